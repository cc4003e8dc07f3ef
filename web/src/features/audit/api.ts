// The audit API as the web app sees it (shapes mirror server/audit/audit.routes.ts).
import { get, post } from '../../api/client';

export interface AuditLeaf {
  v: number;
  index: number;
  at: number;
  actorType: string;
  actorId?: string;
  sessionId?: string;
  requestId?: string;
  ip?: string;
  userAgent?: string;
  action: string;
  outcome: string;
  reason?: string;
  clientId?: string;
  matterId?: string;
  documentId?: string;
  userId?: string;
  otherType?: string;
  otherId?: string;
  purpose?: string;
}

export interface AuditEvent {
  index: number;
  leaf: string;
  leafHash: string;
  event: AuditLeaf;
}

export interface Checkpoint {
  size: number;
  rootHash: string;
  note: string;
  createdAt: number;
}

export interface InclusionProof {
  index: number;
  treeSize: number;
  leafHash: string;
  rootHash: string;
  proof: string[];
}

export interface Alert {
  id: string;
  rule: string;
  actorId: string | null;
  severity: string;
  firstIndex: number | null;
  lastIndex: number | null;
  detail: Record<string, number | string>;
  contained: boolean;
  status: 'open' | 'acknowledged';
  createdAt: number;
  acknowledgedBy: string | null;
  acknowledgedAt: number | null;
}

export interface EventFilter {
  actorId?: string;
  clientId?: string;
  matterId?: string;
  documentId?: string;
  action?: string;
  outcome?: string;
  since?: number;
  until?: number;
  from?: number;
  limit?: number;
}

export interface AccessSummary {
  actorId: string | null;
  actorType: string;
  allowed: number;
  denied: number;
  firstAt: number;
  lastAt: number;
}

export interface PersonMatterReport {
  userId: string;
  matterId: string;
  since: number;
  until: number;
  accessed: boolean;
  events: (AuditEvent & { inclusionProof: string[] })[];
  checkpoint: { size: number; root: string; note: string };
  truncated: boolean;
}

export interface BreachScope {
  actorId: string;
  since: number;
  until: number;
  events: number;
  clients: string[];
  matters: string[];
  documents: string[];
  firstIndex: number | null;
  lastIndex: number | null;
}

function query(params: object): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

export const auditApi = {
  events: (filter: EventFilter) => get<{ events: AuditEvent[]; next: number | null; treeSize: number }>(`/audit/events${query(filter)}`),
  checkpoint: () => get<Checkpoint>('/audit/checkpoint'),
  signCheckpoint: () => post<Checkpoint>('/audit/checkpoints'),
  inclusion: (index: number, treeSize: number) => get<InclusionProof>(`/audit/proofs/inclusion${query({ index, treeSize })}`),
  alerts: (status?: 'open' | 'acknowledged') => get<{ alerts: Alert[] }>(`/audit/alerts${query({ status })}`),
  acknowledge: (id: string) => post<Alert>(`/audit/alerts/${encodeURIComponent(id)}/acknowledge`),
  access: (target: { clientId?: string; matterId?: string; documentId?: string; since?: number; until?: number }) => get<{ actors: AccessSummary[] }>(`/audit/reports/access${query(target)}`),
  personMatter: (params: { userId: string; matterId: string; since: number; until: number }) => get<PersonMatterReport>(`/audit/reports/person-matter${query(params)}`),
  breachScope: (params: { actorId: string; since: number; until: number }) => get<BreachScope>(`/audit/reports/breach-scope${query(params)}`),
};

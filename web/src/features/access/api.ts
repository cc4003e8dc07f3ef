// The access API as the web app sees it (shapes mirror server/access/access.schemas.ts).
import { ApiError, del, get, post, put } from '../../api/client';

export type MatterRole = 'lead_attorney' | 'attorney' | 'paralegal' | 'assistant';
export const MATTER_ROLE_LABELS: Record<MatterRole, string> = { lead_attorney: 'Lead attorney', attorney: 'Attorney', paralegal: 'Paralegal', assistant: 'Assistant' };

export interface TeamMember {
  userId: string;
  name: string | null;
  role: MatterRole;
  addedAt: number;
  expiresAt: number | null;
}

export interface Wall {
  id: string;
  kind: 'exclusionary' | 'inclusionary';
  clientId: string;
  matterId: string | null;
  memo: string;
  createdAt: number;
  createdBy: string | null;
  liftedAt: number | null;
  liftedBy: string | null;
  members: { userId: string; name: string | null; acknowledgedAt: number | null }[];
  acknowledgements: { userId: string; name: string | null; acknowledgedAt: number }[];
}

export interface AccessRequest {
  id: string;
  matterId: string;
  userId: string;
  name: string | null;
  role: MatterRole;
  reason: string;
  status: 'pending' | 'approved' | 'refused';
  requestedAt: number;
  decidedAt: number | null;
  decidedBy: string | null;
  expiresAt: number | null;
}

export interface BreakGlass {
  id: string;
  matterId: string;
  clientId: string;
  userId: string;
  name: string | null;
  justification: string;
  startedAt: number;
  expiresAt: number;
  reviewedAt: number | null;
  reviewedBy: string | null;
  reviewOutcome: 'justified' | 'unjustified' | null;
  reviewNote: string | null;
}

export interface GateSetting {
  key: string;
  title: string;
  description: string;
  enabled: boolean;
  defaultEnabled: boolean;
}

export interface Agreement {
  id: string;
  userId: string;
  kind: 'agreement' | 'training';
  completedAt: number;
  expiresAt: number | null;
}

export interface CouldAccessReport {
  clientId: string;
  matterId: string | null;
  from: number;
  to: number;
  people: { userId: string; name: string | null; periods: { from: number; until: number | null; basis: 'team' | 'grant' | 'break_glass'; role: MatterRole | null; matterId: string | null }[] }[];
}

export type ApprovalKind = 'identity.invite' | 'identity.role' | 'access.grant' | 'keys.shred';
export type ApprovalStatus = 'pending' | 'approved' | 'rejected' | 'cancelled' | 'expired';

/** A change filed for a second person's approval (the two-person rule). */
export interface Approval {
  id: string;
  /** A kind this web app does not know yet is shown by its name. */
  kind: ApprovalKind | (string & {});
  /** identity.invite: {email, name, role, clientId}; identity.role: {userId, role}; access.grant: {clientId, userId, role, expiresAt}; keys.shred: {clientId}. */
  payload: Record<string, unknown>;
  subjectUserId: string | null;
  subjectName: string | null;
  clientId: string | null;
  status: ApprovalStatus;
  requestedBy: string;
  requestedByName: string | null;
  requestedAt: number;
  expiresAt: number;
  decidedBy: string | null;
  decidedByName: string | null;
  decidedAt: number | null;
}

/** What a call answers (202) instead of making the change when a second person must approve it. */
export interface PendingApproval {
  approval: Approval;
}

export interface NoticeInput {
  firmName: string;
  addressee: string;
  clientReference: string;
  signatory: string;
}

export const accessApi = {
  team: (matterId: string) => get<{ members: TeamMember[] }>(`/matters/${matterId}/team`),
  setMember: (matterId: string, userId: string, role: MatterRole, expiresAt: number | null) => put<TeamMember>(`/matters/${matterId}/team/${userId}`, { role, expiresAt }),
  removeMember: (matterId: string, userId: string) => del<void>(`/matters/${matterId}/team/${userId}`),
  walls: (active?: boolean) => get<{ walls: Wall[] }>(`/walls${active === undefined ? '' : `?active=${active}`}`),
  wall: (id: string) => get<Wall>(`/walls/${id}`),
  createWall: (input: { kind: Wall['kind']; clientId?: string; matterId?: string; userIds: string[]; memo: string }) => post<Wall>('/walls', input),
  liftWall: (id: string) => post<Wall>(`/walls/${id}/lift`),
  acknowledge: (id: string) => post<Wall>(`/walls/${id}/acknowledge`),
  pendingAcknowledgements: () => get<{ walls: Wall[] }>('/walls/pending-acknowledgements'),
  requests: (toDecide: boolean) => get<{ requests: AccessRequest[] }>(`/access/requests${toDecide ? '?toDecide=true' : ''}`),
  createRequest: (input: { matterId: string; role: MatterRole; reason: string }) => post<AccessRequest>('/access/requests', input),
  decide: (id: string, decision: 'approve' | 'refuse', expiresAt: number | null) => post<AccessRequest>(`/access/requests/${id}/decide`, { decision, expiresAt }),
  startBreakGlass: (input: { matterId: string; justification: string }) => post<BreakGlass>('/access/break-glass', input),
  myBreakGlass: () => get<{ sessions: BreakGlass[] }>('/access/break-glass/mine'),
  breakGlass: (pendingReview: boolean) => get<{ sessions: BreakGlass[] }>(`/access/break-glass${pendingReview ? '?pendingReview=true' : ''}`),
  review: (id: string, outcome: 'justified' | 'unjustified', note: string) => post<BreakGlass>(`/access/break-glass/${id}/review`, { outcome, note }),
  gates: () => get<{ gates: GateSetting[] }>('/access/gates'),
  setGate: (key: string, enabled: boolean) => put<GateSetting>(`/access/gates/${key}`, { enabled }),
  agreements: () => get<{ agreements: Agreement[] }>('/access/agreements'),
  recordAgreement: (input: { userId: string; kind: Agreement['kind']; completedAt: number; expiresAt: number | null }) => post<Agreement>('/access/agreements', input),
  approvals: (toDecide: boolean) => get<{ approvals: Approval[] }>(`/approvals${toDecide ? '?toDecide=true' : ''}`),
  decideApproval: (id: string, decision: 'approve' | 'reject') => post<Approval>(`/approvals/${id}/decide`, { decision }),
  cancelApproval: (id: string) => post<Approval>(`/approvals/${id}/cancel`),
  couldAccess: (query: string) => get<CouldAccessReport>(`/access/reports/could-access?${query}`),
};

/** Fetches the screening notice PDF (a binary answer, so not through the JSON client). */
export async function fetchNotice(wallId: string, input: NoticeInput): Promise<Blob> {
  const csrf = document.cookie
    .split('; ')
    .find((c) => c.startsWith('confidant_csrf='))
    ?.slice('confidant_csrf='.length);
  const response = await fetch(`/api/v1/walls/${wallId}/notice`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', accept: 'application/pdf', ...(csrf ? { 'x-csrf-token': decodeURIComponent(csrf) } : {}) },
    body: JSON.stringify(input),
  });
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as { error?: { code: never; message: string; requestId: string } } | null;
    throw new ApiError(response.status, body?.error?.code ?? 'INTERNAL_ERROR', body?.error?.message ?? 'Could not build the notice', body?.error?.requestId ?? null);
  }
  return response.blob();
}

export function formatTime(ms: number | null): string {
  return ms === null ? '—' : new Date(ms).toLocaleString();
}

/** Parses a local date-time input into epoch ms (null when empty). */
export function parseLocal(value: string): number | null {
  if (!value) return null;
  const ms = new Date(value).getTime();
  return Number.isNaN(ms) ? null : ms;
}

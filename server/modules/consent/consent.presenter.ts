/** Explicit allowlists from the consent module's rows to API shapes (sealed fields opened by the caller's sealer). */
import type { TargetLabels } from '../../access/index.js';
import type { Sealer } from './consent.sealing.js';
import type { ConsentConsentsTable, ConsentDisclosuresTable, ConsentNoticesTable, ConsentReleasedItemsTable, ConsentSharesTable, DisclosureStatus } from './consent.tables.js';

export interface NoticeContent {
  collected: string;
  purposes: string;
  recipients: string;
  protection: string;
  retention: string;
  rights: string;
}

export interface NoticeView {
  id: string;
  version: number;
  title: string;
  content: NoticeContent;
  status: 'draft' | 'published';
  sha256: string | null;
  createdBy: string;
  createdByName: string | null;
  createdAt: number;
  updatedAt: number;
  publishedBy: string | null;
  publishedByName: string | null;
  publishedAt: number | null;
}

const nameOf = (labels: TargetLabels, id: string | null) => (id ? (labels.users.get(id)?.name ?? null) : null);

export function presentNotice(row: ConsentNoticesTable, labels: TargetLabels): NoticeView {
  const content = JSON.parse(row.content) as NoticeContent;
  return {
    id: row.id,
    version: Number(row.version),
    title: row.title,
    content: { collected: content.collected, purposes: content.purposes, recipients: content.recipients, protection: content.protection, retention: content.retention, rights: content.rights },
    status: row.status,
    sha256: row.sha256,
    createdBy: row.created_by,
    createdByName: nameOf(labels, row.created_by),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    publishedBy: row.published_by,
    publishedByName: nameOf(labels, row.published_by),
    publishedAt: row.published_at === null ? null : Number(row.published_at),
  };
}

export interface NamedRecipient {
  name: string;
  email: string | null;
}

export type ConsentState = 'active' | 'withdrawn' | 'expired' | 'not_yet_valid';

/** Whether a consent is a basis now: active, started, not ended. */
export function consentState(row: Pick<ConsentConsentsTable, 'status' | 'valid_from' | 'valid_until'>, now: number): ConsentState {
  if (row.status === 'withdrawn') return 'withdrawn';
  if (Number(row.valid_from) > now) return 'not_yet_valid';
  if (row.valid_until !== null && Number(row.valid_until) <= now) return 'expired';
  return 'active';
}

export interface ConsentView {
  id: string;
  clientId: string;
  purposes: string[];
  purposeText: string;
  dataCategories: string[];
  recipients: NamedRecipient[];
  recipientCategories: string[];
  channels: string[];
  matterScope: 'all' | 'listed';
  matters: { id: string; number: string | null; title: string | null }[];
  validFrom: number;
  validUntil: number | null;
  notice: { id: string; sha256: string };
  evidence: { kind: string; documentId: string | null };
  status: ConsentState;
  recordedBy: string;
  recordedByName: string | null;
  recordedAt: number;
  recordedIp: string | null;
  withdrawnBy: string | null;
  withdrawnByName: string | null;
  withdrawnAt: number | null;
}

export const CONSENTS_TABLE = 'consent_consents';
export const DISCLOSURES_TABLE = 'consent_disclosures';
export const RELEASED_TABLE = 'consent_released_items';

export function openRecipients(row: ConsentConsentsTable, sealer: Sealer): NamedRecipient[] {
  return JSON.parse(sealer.open(CONSENTS_TABLE, row.id, 'recipients', row.recipients_sealed)) as NamedRecipient[];
}

export function presentConsent(row: ConsentConsentsTable, sealer: Sealer, labels: TargetLabels, now: number): ConsentView {
  const matterIds = JSON.parse(row.matter_ids) as string[];
  return {
    id: row.id,
    clientId: row.client_id,
    purposes: JSON.parse(row.purposes) as string[],
    purposeText: sealer.open(CONSENTS_TABLE, row.id, 'purpose_text', row.purpose_text_sealed),
    dataCategories: JSON.parse(row.data_categories) as string[],
    recipients: openRecipients(row, sealer),
    recipientCategories: JSON.parse(row.recipient_categories) as string[],
    channels: JSON.parse(row.channels) as string[],
    matterScope: row.matter_scope,
    matters: matterIds.map((id) => ({ id, number: labels.matters.get(id)?.number ?? null, title: labels.matters.get(id)?.title ?? null })),
    validFrom: Number(row.valid_from),
    validUntil: row.valid_until === null ? null : Number(row.valid_until),
    notice: { id: row.notice_id, sha256: row.notice_sha256 },
    evidence: { kind: row.evidence_kind, documentId: row.evidence_document_id },
    status: consentState(row, now),
    recordedBy: row.recorded_by,
    recordedByName: nameOf(labels, row.recorded_by),
    recordedAt: Number(row.recorded_at),
    recordedIp: row.recorded_ip,
    withdrawnBy: row.withdrawn_by,
    withdrawnByName: nameOf(labels, row.withdrawn_by),
    withdrawnAt: row.withdrawn_at === null ? null : Number(row.withdrawn_at),
  };
}

export interface DisclosureView {
  id: string;
  clientId: string;
  clientName: string | null;
  matter: { id: string; number: string | null; title: string | null };
  recipient: { name: string; email: string; category: string | null };
  items: { type: string; id: string }[];
  purpose: string;
  purposeText: string;
  channel: string;
  basis: { kind: 'consent' | 'exception'; consentId: string | null; exception: string | null; reference: string | null; supportingDocumentId: string | null; gagOrder: boolean };
  privilegeWaived: boolean;
  waiverRisk: string | null;
  status: DisclosureStatus;
  requestedBy: string;
  requestedByName: string | null;
  requestedAt: number;
  approvedBy: string | null;
  approvedByName: string | null;
  approvedAt: number | null;
  executedBy: string | null;
  executedByName: string | null;
  executedAt: number | null;
  endedBy: string | null;
  endedAt: number | null;
  released: { type: string; id: string; version: number; sha256: string; size: number }[];
  share: { expiresAt: number; downloadLimit: number; downloads: number; verified: boolean } | null;
}

export function openDisclosureRecipient(row: ConsentDisclosuresTable, sealer: Sealer): { name: string; email: string } {
  return JSON.parse(sealer.open(DISCLOSURES_TABLE, row.id, 'recipient', row.recipient_sealed)) as { name: string; email: string };
}

export function presentDisclosure(row: ConsentDisclosuresTable, sealer: Sealer, labels: TargetLabels, released: ConsentReleasedItemsTable[], share: ConsentSharesTable | undefined): DisclosureView {
  const recipient = openDisclosureRecipient(row, sealer);
  const matter = labels.matters.get(row.matter_id);
  return {
    id: row.id,
    clientId: row.client_id,
    clientName: labels.clients.get(row.client_id)?.name ?? matter?.clientName ?? null,
    matter: { id: row.matter_id, number: matter?.number ?? null, title: matter?.title ?? null },
    recipient: { name: recipient.name, email: recipient.email, category: row.recipient_category },
    items: JSON.parse(row.items) as { type: string; id: string }[],
    purpose: row.purpose,
    purposeText: sealer.open(DISCLOSURES_TABLE, row.id, 'purpose_text', row.purpose_text_sealed),
    channel: row.channel,
    basis: {
      kind: row.basis,
      consentId: row.consent_id,
      exception: row.exception_kind,
      reference: row.exception_reference_sealed ? sealer.open(DISCLOSURES_TABLE, row.id, 'exception_reference', row.exception_reference_sealed) : null,
      supportingDocumentId: row.exception_document_id,
      gagOrder: row.gag_order === 1,
    },
    privilegeWaived: row.privilege_waived === 1,
    waiverRisk: row.waiver_risk_sealed ? sealer.open(DISCLOSURES_TABLE, row.id, 'waiver_risk', row.waiver_risk_sealed) : null,
    status: row.status,
    requestedBy: row.requested_by,
    requestedByName: nameOf(labels, row.requested_by),
    requestedAt: Number(row.requested_at),
    approvedBy: row.approved_by,
    approvedByName: nameOf(labels, row.approved_by),
    approvedAt: row.approved_at === null ? null : Number(row.approved_at),
    executedBy: row.executed_by,
    executedByName: nameOf(labels, row.executed_by),
    executedAt: row.executed_at === null ? null : Number(row.executed_at),
    endedBy: row.ended_by,
    endedAt: row.ended_at === null ? null : Number(row.ended_at),
    released: released.map((r) => ({ type: r.item_type, id: r.item_id, version: Number(r.version), sha256: r.sha256, size: Number(r.size) })),
    share: share ? { expiresAt: Number(share.expires_at), downloadLimit: Number(share.max_downloads), downloads: Number(share.downloads), verified: share.session_hash !== null } : null,
  };
}

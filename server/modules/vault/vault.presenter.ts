/**
 * From vault rows to API shapes: an explicit allowlist of fields per view, sealed values opened
 * with the sealer the service obtained for the authorized client (or null when the client's keys
 * were crypto-shredded: the sealed text is gone with them). Nothing else of a row leaves the
 * module; the routes' response schemas drop anything not declared on top of that.
 */
import { destroyed } from './vault.repository.js';
import type { Sealer } from './vault.sealing.js';
import type { Classification, PartyRole, VaultClientsTable, VaultPartiesTable, VaultDocumentsTable, VaultDocumentVersionsTable, VaultMattersTable, VaultNotesTable, VaultRecordMovementsTable, VaultRecordsTable } from './vault.tables.js';

// ── clients ──────────────────────────────────────────────────────────────────────────────────

export interface ClientDetails {
  email: string | null;
  phone: string | null;
  address: string | null;
  identifiers: { type: string; value: string }[];
}

export type ClientStatus = 'active' | 'closed' | 'conflict_review';

export interface ClientView extends ClientDetails {
  id: string;
  kind: 'person' | 'organisation';
  name: string;
  status: ClientStatus;
  /** The firm's client number (null for clients from before numbering, until a matter needs it). */
  number: number | null;
  createdAt: number;
  updatedAt: number;
  /** Parties of the client and its matters (client.read; absent in lists). */
  parties?: PartyView[];
}

export interface ClientSummary {
  id: string;
  kind: 'person' | 'organisation';
  name: string;
  status: ClientStatus;
  createdAt: number;
}

export function presentClient(row: VaultClientsTable, sealer: Sealer): ClientView {
  const details = JSON.parse(sealer.open('vault_clients', row.id, 'details', row.details_sealed)) as ClientDetails;
  return {
    id: row.id,
    kind: row.kind,
    name: sealer.open('vault_clients', row.id, 'name', row.name_sealed),
    status: row.status,
    email: details.email,
    phone: details.phone,
    address: details.address,
    identifiers: details.identifiers,
    number: row.number ?? null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

// ── parties ──────────────────────────────────────────────────────────────────────────────────

export interface PartyView {
  id: string;
  clientId: string;
  matterId: string | null;
  role: PartyRole;
  kind: 'person' | 'organisation';
  name: string;
  identifiers: { type: string; value: string }[];
  createdAt: number;
  updatedAt: number;
}

export function presentParty(row: VaultPartiesTable, sealer: Sealer): PartyView {
  const details = JSON.parse(sealer.open('vault_parties', row.id, 'details', row.details_sealed)) as { identifiers: { type: string; value: string }[] };
  return {
    id: row.id,
    clientId: row.client_id,
    matterId: row.matter_id,
    role: row.role,
    kind: row.kind,
    name: sealer.open('vault_parties', row.id, 'name', row.name_sealed),
    identifiers: details.identifiers,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Null sealer: a crypto-shredded client stays listed (its id), without a name. */
export function presentClientSummary(row: VaultClientsTable, sealer: Sealer | null): ClientSummary {
  return { id: row.id, kind: row.kind, name: sealer ? sealer.open('vault_clients', row.id, 'name', row.name_sealed) : '', status: row.status, createdAt: row.created_at };
}

// ── matters ──────────────────────────────────────────────────────────────────────────────────

export type MatterStatus = 'open' | 'pending' | 'closed' | 'conflict_review';

export interface MatterView {
  id: string;
  clientId: string;
  /** The client's name ('' when its keys were shredded). */
  clientName: string;
  number: string;
  title: string;
  description: string | null;
  practiceArea: string | null;
  jurisdiction: string | null;
  status: MatterStatus;
  openedAt: number;
  closedAt: number | null;
  closedBy: string | null;
  closeReason: string | null;
  leadUserId: string;
  /** The lead's display name (null when the directory does not know them). */
  leadName: string | null;
  createdAt: number;
  updatedAt: number;
}

/** Null sealer: the client's keys were crypto-shredded; title, description and reason are gone with them. */
export function presentMatter(row: VaultMattersTable, sealer: Sealer | null, labels: { clientName: string; leadName: string | null } = { clientName: '', leadName: null }): MatterView {
  // Never shown: its sealed fields are wiped (the repositories leave such rows out or answer 410 first).
  if (row.status === 'destroyed') throw destroyed('matter');
  const open = (field: string, sealed: string | null) => (sealer && sealed ? sealer.open('vault_matters', row.id, field, sealed) : null);
  return {
    id: row.id,
    clientId: row.client_id,
    clientName: labels.clientName,
    number: row.number,
    title: open('title', row.title_sealed) ?? '',
    description: open('description', row.description_sealed ?? null),
    practiceArea: row.practice_area,
    jurisdiction: row.jurisdiction,
    status: row.status,
    openedAt: row.opened_at,
    closedAt: row.closed_at,
    closedBy: row.closed_by ?? null,
    closeReason: open('close_reason', row.close_reason_sealed ?? null),
    leadUserId: row.lead_user_id,
    leadName: labels.leadName,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

// ── documents ────────────────────────────────────────────────────────────────────────────────

export interface DocumentVersionView {
  version: number;
  size: number;
  contentType: string;
  createdBy: string;
  createdAt: number;
}

export interface DocumentView {
  id: string;
  matterId: string;
  clientId: string;
  name: string;
  classification: Classification;
  privileged: boolean;
  legalHold: boolean;
  currentVersion: number;
  size: number;
  contentType: string;
  createdBy: string;
  createdAt: number;
  updatedAt: number;
  /** When it was moved to the trash (null: live). */
  trashedAt: number | null;
  versions?: DocumentVersionView[];
  /** What the viewer may do with it (for showing controls; every action is decided again). */
  can?: DocumentAbilities;
}

/** Computed by the service through the choke point's silent check (`canAccess`). */
export interface DocumentAbilities {
  /** Rename, add a version (document.write). */
  edit: boolean;
  /** Reclassify, mark or unmark privileged (document.classify). */
  classify: boolean;
  /** Move to the trash or restore (document.write, and no legal hold for the trash). */
  trash: boolean;
}

function presentVersion(row: VaultDocumentVersionsTable): DocumentVersionView {
  return { version: row.version, size: row.size, contentType: row.content_type, createdBy: row.created_by, createdAt: row.created_at };
}

/** `view`: what the viewer may do and whether a legal hold covers it (the service asks the hold provisions); without it, the document's own hold marker. */
export function presentDocument(row: VaultDocumentsTable, current: VaultDocumentVersionsTable, sealer: Sealer | null, versions?: VaultDocumentVersionsTable[], view?: { can: DocumentAbilities; legalHold: boolean }): DocumentView {
  if (row.destroyed_at !== null) throw destroyed('document');
  return {
    id: row.id,
    matterId: row.matter_id,
    clientId: row.client_id,
    name: sealer ? sealer.open('vault_documents', row.id, 'name', row.name_sealed) : '',
    classification: row.classification,
    privileged: row.privileged === 1,
    legalHold: view ? view.legalHold : row.legal_hold === 1,
    currentVersion: row.current_version,
    size: current.size,
    contentType: current.content_type,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    trashedAt: row.trashed_at ?? null,
    // Destroyed versions (superseded ones the retention module destroyed) are left out.
    ...(versions ? { versions: versions.filter((v) => v.destroyed_at === null).map(presentVersion) } : {}),
    ...(view ? { can: view.can } : {}),
  };
}

export interface RecentDocumentView {
  id: string;
  name: string;
  matterId: string;
  matterNumber: string;
  /** Shown because the viewer may open the matter (recent documents come only from such matters). */
  matterTitle: string;
  clientId: string;
  classification: Classification;
  privileged: boolean;
  contentType: string;
  size: number;
  currentVersion: number;
  updatedAt: number;
}

/** A recent document with its matter's number and title (both opened by the service for matters in scope). */
export function presentRecentDocument(row: VaultDocumentsTable & { current: VaultDocumentVersionsTable }, matter: { number: string; title: string }, sealer: Sealer): RecentDocumentView {
  if (row.destroyed_at !== null) throw destroyed('document');
  return {
    id: row.id,
    name: sealer.open('vault_documents', row.id, 'name', row.name_sealed),
    matterId: row.matter_id,
    matterNumber: matter.number,
    matterTitle: matter.title,
    clientId: row.client_id,
    classification: row.classification,
    privileged: row.privileged === 1,
    contentType: row.current.content_type,
    size: row.current.size,
    currentVersion: row.current_version,
    updatedAt: row.updated_at,
  };
}

// ── notes ────────────────────────────────────────────────────────────────────────────────────

export interface NoteView {
  id: string;
  matterId: string;
  title: string;
  body: string;
  revision: number;
  createdBy: string;
  createdAt: number;
  updatedBy: string;
  updatedAt: number;
}

export function presentNote(row: VaultNotesTable, sealer: Sealer): NoteView {
  return {
    id: row.id,
    matterId: row.matter_id,
    title: sealer.open('vault_notes', row.id, 'title', row.title_sealed),
    body: sealer.open('vault_notes', row.id, 'body', row.body_sealed),
    revision: row.revision,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedBy: row.updated_by,
    updatedAt: row.updated_at,
  };
}

// ── physical records ─────────────────────────────────────────────────────────────────────────

export interface RecordMovementView {
  action: 'create' | 'check_out' | 'check_in';
  userId: string;
  at: number;
}

export interface RecordView {
  id: string;
  matterId: string;
  label: string;
  location: string;
  custodianUserId: string | null;
  status: 'in' | 'out';
  createdAt: number;
  updatedAt: number;
  movements?: RecordMovementView[];
}

export function presentRecord(row: VaultRecordsTable, sealer: Sealer, movements?: VaultRecordMovementsTable[]): RecordView {
  if (row.status === 'destroyed') throw destroyed('record');
  return {
    id: row.id,
    matterId: row.matter_id,
    label: sealer.open('vault_records', row.id, 'label', row.label_sealed),
    location: sealer.open('vault_records', row.id, 'location', row.location_sealed),
    custodianUserId: row.custodian_user_id,
    status: row.status,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    ...(movements ? { movements: movements.map((m) => ({ action: m.action, userId: m.user_id, at: m.at })) } : {}),
  };
}

/**
 * From vault rows to API shapes: an explicit allowlist of fields per view, sealed values opened
 * with the sealer the service obtained for the authorized client (or null when the client's keys
 * were crypto-shredded: the sealed text is gone with them). Nothing else of a row leaves the
 * module; the routes' response schemas drop anything not declared on top of that.
 */
import type { Sealer } from './vault.sealing.js';
import type { Classification, VaultClientsTable, VaultDocumentsTable, VaultDocumentVersionsTable, VaultMattersTable, VaultNotesTable, VaultRecordMovementsTable, VaultRecordsTable } from './vault.tables.js';

// ── clients ──────────────────────────────────────────────────────────────────────────────────

export interface ClientDetails {
  email: string | null;
  phone: string | null;
  address: string | null;
  identifiers: { type: string; value: string }[];
}

export interface ClientView extends ClientDetails {
  id: string;
  kind: 'person' | 'organisation';
  name: string;
  status: 'active' | 'closed';
  createdAt: number;
  updatedAt: number;
}

export interface ClientSummary {
  id: string;
  kind: 'person' | 'organisation';
  name: string;
  status: 'active' | 'closed';
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
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Null sealer: a crypto-shredded client stays listed (its id), without a name. */
export function presentClientSummary(row: VaultClientsTable, sealer: Sealer | null): ClientSummary {
  return { id: row.id, kind: row.kind, name: sealer ? sealer.open('vault_clients', row.id, 'name', row.name_sealed) : '', status: row.status, createdAt: row.created_at };
}

// ── matters ──────────────────────────────────────────────────────────────────────────────────

export type MatterStatus = 'open' | 'pending' | 'closed';

export interface MatterView {
  id: string;
  clientId: string;
  number: string;
  title: string;
  practiceArea: string | null;
  jurisdiction: string | null;
  status: MatterStatus;
  openedAt: number;
  closedAt: number | null;
  leadUserId: string;
  createdAt: number;
  updatedAt: number;
}

export function presentMatter(row: VaultMattersTable, sealer: Sealer | null): MatterView {
  return {
    id: row.id,
    clientId: row.client_id,
    number: row.number,
    // Null sealer: the client's keys were crypto-shredded; the title is gone with them.
    title: sealer ? sealer.open('vault_matters', row.id, 'title', row.title_sealed) : '',
    practiceArea: row.practice_area,
    jurisdiction: row.jurisdiction,
    status: row.status,
    openedAt: row.opened_at,
    closedAt: row.closed_at,
    leadUserId: row.lead_user_id,
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
  versions?: DocumentVersionView[];
}

function presentVersion(row: VaultDocumentVersionsTable): DocumentVersionView {
  return { version: row.version, size: row.size, contentType: row.content_type, createdBy: row.created_by, createdAt: row.created_at };
}

export function presentDocument(row: VaultDocumentsTable, current: VaultDocumentVersionsTable, sealer: Sealer | null, versions?: VaultDocumentVersionsTable[]): DocumentView {
  return {
    id: row.id,
    matterId: row.matter_id,
    clientId: row.client_id,
    name: sealer ? sealer.open('vault_documents', row.id, 'name', row.name_sealed) : '',
    classification: row.classification,
    privileged: row.privileged === 1,
    legalHold: row.legal_hold === 1,
    currentVersion: row.current_version,
    size: current.size,
    contentType: current.content_type,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    ...(versions ? { versions: versions.map(presentVersion) } : {}),
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

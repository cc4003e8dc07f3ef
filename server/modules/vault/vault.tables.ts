export interface VaultClientsTable {
  id: string;
  kind: 'person' | 'organisation';
  /** conflict_review: created with possible conflicts, held (unknown to access) until the compliance officer decides. */
  status: 'active' | 'closed' | 'conflict_review';
  key_version: number;
  name_sealed: string;
  /** Blind index of the name under the client's own key ('' once the client is shredded). */
  name_index: string;
  /** The client key version `name_index` was made with; null = old firm-wide token (not yet re-indexed), 0 = wiped. */
  name_index_key_version: number | null;
  /** Sealed JSON: contact details and identifiers. */
  details_sealed: string;
  /** Blind index of the name's conflict key (conflicts.names.ts) under the client's own key; '' when not computed or wiped. */
  conflict_index: string;
  /** As `name_index_key_version`, for `conflict_index` (null: not computed yet). */
  conflict_index_key_version: number | null;
  /** The firm's client number (the `{client}` token of matter numbers); null until one is needed for clients from before numbering. */
  number: number | null;
  /** When the relationship with the client ended (set by the retention module); null while it goes on. */
  ended_at: number | null;
  created_by: string;
  created_at: number;
  updated_at: number;
}

export interface VaultMattersTable {
  id: string;
  client_id: string;
  number: string;
  key_version: number;
  title_sealed: string;
  title_index: string;
  /** As `name_index_key_version`, for `title_index`. */
  title_index_key_version: number | null;
  practice_area: string | null;
  jurisdiction: string | null;
  /**
   * conflict_review: opened with possible conflicts, held (unknown to access, so nobody opens it)
   * until the compliance officer decides. destroyed: its content destroyed by the retention module
   * (sealed fields wiped; reads answer KEY_DESTROYED; lists leave it out).
   */
  status: 'open' | 'pending' | 'closed' | 'conflict_review' | 'destroyed';
  opened_at: number;
  closed_at: number | null;
  lead_user_id: string;
  /** Sealed under the client's key; null when there is none. */
  description_sealed: string | null;
  /** Why it was closed (sealed); null while open. */
  close_reason_sealed: string | null;
  closed_by: string | null;
  /** When the closing was recorded (server time; `closed_at` is the date the user gave). Null while open, and for matters closed before it was kept. */
  closed_recorded_at: number | null;
  created_at: number;
  updated_at: number;
}

/** Firm counters (matter numbers per year, client numbers), taken with one upsert. */
export interface VaultSequencesTable {
  scope: string;
  value: number;
}

export type PartyRole = 'opposing' | 'related';

/** A party of a client (matter_id null) or of one of its matters: name and identifiers sealed under the client's key. */
export interface VaultPartiesTable {
  id: string;
  client_id: string;
  matter_id: string | null;
  role: PartyRole;
  kind: 'person' | 'organisation';
  key_version: number;
  name_sealed: string;
  /** Sealed JSON: `{ identifiers: [{ type, value }] }`. */
  details_sealed: string;
  /** Blind indexes (exact name, conflict key) under the client's index key at `index_key_version` ('' and 0 once shredded). */
  name_index: string;
  conflict_index: string;
  index_key_version: number;
  created_by: string;
  created_at: number;
  updated_at: number;
}

export type ConflictCheckStatus = 'clear' | 'referred' | 'cleared' | 'waived' | 'walled';

/** One conflict check at intake; `hits` is JSON of ids only (see conflicts.service.ts). */
export interface VaultConflictChecksTable {
  id: string;
  subject: 'client' | 'matter';
  client_id: string;
  matter_id: string | null;
  status: ConflictCheckStatus;
  hit_count: number;
  hits: string;
  requested_by: string;
  requested_at: number;
  decided_by: string | null;
  decided_at: number | null;
  /** A waiver's note (the client's informed consent), sealed under the intake client's key. */
  note_sealed: string | null;
  note_key_version: number | null;
}

export type Classification = 'internal' | 'confidential' | 'privileged' | 'client-secret';

export interface VaultDocumentsTable {
  id: string;
  matter_id: string;
  client_id: string;
  key_version: number;
  name_sealed: string;
  classification: Classification;
  privileged: number;
  legal_hold: number;
  current_version: number;
  created_by: string;
  created_at: number;
  updated_at: number;
  /** Set while the document is in the trash (restorable; versions and blobs kept). */
  trashed_at: number | null;
  trashed_by: string | null;
  /** When it was destroyed (name wiped, every version destroyed): reads answer KEY_DESTROYED, lists leave it out. */
  destroyed_at: number | null;
}

export interface VaultDocumentVersionsTable {
  id: string;
  document_id: string;
  version: number;
  blob_id: string;
  /** The client key version the blob's data key derives from (with the object key, or alone for a legacy blob). */
  key_version: number;
  /** The blob's object key (keys module); null: a legacy blob under the client key alone. */
  object_key_id: string | null;
  size: number;
  sealed_size: number;
  content_type: string;
  created_by: string;
  created_at: number;
  /** When this version was destroyed (its object key destroyed, its blob deleted): its content answers KEY_DESTROYED. */
  destroyed_at: number | null;
}

export interface VaultNotesTable {
  id: string;
  matter_id: string;
  client_id: string;
  key_version: number;
  title_sealed: string;
  body_sealed: string;
  revision: number;
  deleted_at: number | null;
  created_by: string;
  created_at: number;
  updated_by: string;
  updated_at: number;
}

export interface VaultRecordsTable {
  id: string;
  matter_id: string;
  client_id: string;
  key_version: number;
  label_sealed: string;
  location_sealed: string;
  custodian_user_id: string | null;
  /** destroyed: label and location wiped (reads answer KEY_DESTROYED, lists leave it out). */
  status: 'in' | 'out' | 'destroyed';
  created_at: number;
  updated_at: number;
  /** When, how (a short method code, never client content) and before whom it was destroyed. */
  destroyed_at: number | null;
  destruction_method: string | null;
  destruction_witness: string | null;
}

export interface VaultRecordMovementsTable {
  id: string;
  record_id: string;
  action: 'check_out' | 'check_in' | 'create';
  user_id: string;
  at: number;
}

export interface VaultTables {
  vault_clients: VaultClientsTable;
  vault_matters: VaultMattersTable;
  vault_documents: VaultDocumentsTable;
  vault_document_versions: VaultDocumentVersionsTable;
  vault_notes: VaultNotesTable;
  vault_records: VaultRecordsTable;
  vault_record_movements: VaultRecordMovementsTable;
  vault_sequences: VaultSequencesTable;
  vault_parties: VaultPartiesTable;
  vault_conflict_checks: VaultConflictChecksTable;
}

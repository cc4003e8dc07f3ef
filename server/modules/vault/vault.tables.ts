export interface VaultClientsTable {
  id: string;
  kind: 'person' | 'organisation';
  status: 'active' | 'closed';
  key_version: number;
  name_sealed: string;
  /** Blind index of the name under the client's own key ('' once the client is shredded). */
  name_index: string;
  /** The client key version `name_index` was made with; null = old firm-wide token (not yet re-indexed), 0 = wiped. */
  name_index_key_version: number | null;
  /** Sealed JSON: contact details and identifiers. */
  details_sealed: string;
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
  status: 'open' | 'pending' | 'closed';
  opened_at: number;
  closed_at: number | null;
  lead_user_id: string;
  created_at: number;
  updated_at: number;
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
}

export interface VaultDocumentVersionsTable {
  id: string;
  document_id: string;
  version: number;
  blob_id: string;
  key_version: number;
  size: number;
  sealed_size: number;
  content_type: string;
  created_by: string;
  created_at: number;
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
  status: 'in' | 'out';
  created_at: number;
  updated_at: number;
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
}

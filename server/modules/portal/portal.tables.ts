/** The tables the portal module owns (migration 2026-12-03T090000_portal). */

export type ContactStatus = 'invited' | 'active' | 'disabled';

/** A client's portal contact: one account of role `client`, bound to one client. */
export interface PortalContactsTable {
  /** The contact's account (identity's user id). */
  user_id: string;
  client_id: string;
  /** `all` the client's matters, or only those in `matter_ids`. */
  matter_scope: 'all' | 'listed';
  /** JSON array of matter ids (empty for `all`). */
  matter_ids: string;
  status: ContactStatus;
  invited_by: string;
  invited_at: number;
  activated_at: number | null;
  disabled_by: string | null;
  disabled_at: number | null;
}

export type ConsentRequestStatus = 'pending' | 'given' | 'declined';

/** A consent the firm asks a contact for at onboarding (or later): the client decides in the portal. */
export interface PortalConsentRequestsTable {
  id: string;
  client_id: string;
  contact_id: string;
  key_version: number;
  /** Sealed JSON of what is asked (purposes, the firm's words, data, recipients, channels, matters, validity). */
  request_sealed: string;
  status: ConsentRequestStatus;
  /** The consent recorded when given. */
  consent_id: string | null;
  decided_at: number | null;
  created_by: string;
  created_at: number;
}

/** A conversation on one matter between the client's contacts and the matter team. */
export interface PortalThreadsTable {
  id: string;
  client_id: string;
  matter_id: string;
  key_version: number;
  subject_sealed: string;
  created_by: string;
  created_at: number;
  last_message_at: number;
}

export interface PortalMessagesTable {
  id: string;
  thread_id: string;
  client_id: string;
  matter_id: string;
  key_version: number;
  body_sealed: string;
  author_id: string;
  /** `client`: a portal contact wrote it; `staff`: the matter team. */
  author_kind: 'client' | 'staff';
  created_at: number;
}

/** Documents (vault) attached to a message: shown to the thread's readers. */
export interface PortalMessageDocumentsTable {
  message_id: string;
  document_id: string;
  thread_id: string;
}

/** Read receipts: who opened a message, when (first time). */
export interface PortalReadsTable {
  message_id: string;
  user_id: string;
  read_at: number;
}

/** A document staff shared with one contact (not a disclosure: the client's own data to the client). */
export interface PortalSharedDocumentsTable {
  id: string;
  document_id: string;
  client_id: string;
  matter_id: string;
  contact_id: string;
  shared_by: string;
  shared_at: number;
  revoked_by: string | null;
  revoked_at: number | null;
}

/** A team member's request for files from the client ("your bank statements"). */
export interface PortalFileRequestsTable {
  id: string;
  client_id: string;
  matter_id: string;
  key_version: number;
  title_sealed: string;
  created_by: string;
  created_at: number;
  closed_at: number | null;
}

/** A file a contact uploaded (into a file request, or to attach to a message): a vault document. */
export interface PortalUploadsTable {
  document_id: string;
  client_id: string;
  matter_id: string;
  request_id: string | null;
  uploaded_by: string;
  uploaded_at: number;
}

export type ExportRequestStatus = 'pending' | 'ready' | 'declined' | 'expired';

/** A contact's request for an export of their data, approved (and made) by the lead attorney. */
export interface PortalExportRequestsTable {
  id: string;
  client_id: string;
  contact_id: string;
  /** JSON array of the contact's matters when they asked; null: all the client's. */
  matter_ids: string | null;
  key_version: number;
  protection_kind: 'passphrase' | 'recipients';
  /** Sealed JSON of the protection; null once the archive is made (or the request declined). */
  protection_sealed: string | null;
  status: ExportRequestStatus;
  decided_by: string | null;
  decided_at: number | null;
  /** The age-encrypted archive in the blob store. */
  blob_id: string | null;
  size: number | null;
  documents: number | null;
  downloads: number;
  expires_at: number | null;
  created_at: number;
}

export interface PortalTables {
  portal_contacts: PortalContactsTable;
  portal_consent_requests: PortalConsentRequestsTable;
  portal_threads: PortalThreadsTable;
  portal_messages: PortalMessagesTable;
  portal_message_documents: PortalMessageDocumentsTable;
  portal_reads: PortalReadsTable;
  portal_shared_documents: PortalSharedDocumentsTable;
  portal_file_requests: PortalFileRequestsTable;
  portal_uploads: PortalUploadsTable;
  portal_export_requests: PortalExportRequestsTable;
}

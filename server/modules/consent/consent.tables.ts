/** The tables the consent module owns (migrations 2026-12-02T1800xx_consent_*). */

export type NoticeStatus = 'draft' | 'published';

export interface ConsentNoticesTable {
  id: string;
  /** 1, 2, 3 … across the firm: the version a consent names. */
  version: number;
  title: string;
  /** JSON of the sections (`NoticeContent`): firm text, not client data. */
  content: string;
  status: NoticeStatus;
  /** SHA-256 (hex) of the canonical content, set when published. */
  sha256: string | null;
  created_by: string;
  created_at: number;
  updated_at: number;
  published_by: string | null;
  published_at: number | null;
}

export type ConsentStatus = 'active' | 'withdrawn';

export interface ConsentConsentsTable {
  id: string;
  client_id: string;
  key_version: number;
  /** JSON array of purpose codes. */
  purposes: string;
  /** The purpose in the client's words, sealed. */
  purpose_text_sealed: string;
  /** JSON array of data category codes. */
  data_categories: string;
  /** Sealed JSON `[{ name, email }]`: recipients the client named. */
  recipients_sealed: string;
  /** JSON array of recipient category codes. */
  recipient_categories: string;
  /** JSON array of channel codes. */
  channels: string;
  matter_scope: 'all' | 'listed';
  /** JSON array of matter ids (empty for `all`). */
  matter_ids: string;
  valid_from: number;
  valid_until: number | null;
  notice_id: string;
  notice_sha256: string;
  evidence_kind: 'signed_form' | 'portal_click';
  evidence_document_id: string | null;
  status: ConsentStatus;
  recorded_by: string;
  recorded_at: number;
  recorded_ip: string | null;
  withdrawn_by: string | null;
  withdrawn_at: number | null;
}

/**
 * pending_approval: a legal exception waiting for its second person; ready: may be executed;
 * executed: released (a share, or recorded for another channel); revoked: ended by the firm;
 * stopped: its consent was withdrawn.
 */
export type DisclosureStatus = 'pending_approval' | 'ready' | 'executed' | 'revoked' | 'stopped';

export interface ConsentDisclosuresTable {
  id: string;
  client_id: string;
  matter_id: string;
  key_version: number;
  /** Sealed JSON `{ name, email }`. */
  recipient_sealed: string;
  recipient_category: string | null;
  /** JSON `[{ type, id }]` (ids only). */
  items: string;
  purpose: string;
  purpose_text_sealed: string;
  channel: string;
  basis: 'consent' | 'exception';
  consent_id: string | null;
  exception_kind: string | null;
  exception_reference_sealed: string | null;
  exception_document_id: string | null;
  /** 1: a gag order — never shown to the client (portal, client reports). */
  gag_order: number;
  privilege_waived: number;
  waiver_risk_sealed: string | null;
  status: DisclosureStatus;
  requested_by: string;
  requested_at: number;
  approved_by: string | null;
  approved_at: number | null;
  executed_by: string | null;
  executed_at: number | null;
  /** Who revoked it, or stopped it by withdrawing the consent. */
  ended_by: string | null;
  ended_at: number | null;
}

export interface ConsentReleasedItemsTable {
  id: string;
  disclosure_id: string;
  item_type: 'document' | 'note';
  item_id: string;
  /** The document version (or note revision) released. */
  version: number;
  sha256: string;
  size: number;
  content_type: string;
  key_version: number;
  /** The file name the recipient sees, sealed. */
  name_sealed: string;
  /** A note's released text, sealed (documents are streamed from the vault by version). */
  content_sealed: string | null;
}

export interface ConsentSharesTable {
  id: string;
  disclosure_id: string;
  token_hash: string;
  expires_at: number;
  max_downloads: number;
  downloads: number;
  code_hash: string | null;
  code_expires_at: number | null;
  /** Wrong guesses at the current code (it is burnt at the limit). */
  code_attempts: number;
  /** Wrong guesses overall (the share locks at the limit). */
  failed_attempts: number;
  codes_sent: number;
  codes_window_start: number;
  session_hash: string | null;
  session_expires_at: number | null;
  locked_at: number | null;
  created_at: number;
}

export interface ConsentTables {
  consent_notices: ConsentNoticesTable;
  consent_consents: ConsentConsentsTable;
  consent_disclosures: ConsentDisclosuresTable;
  consent_released_items: ConsentReleasedItemsTable;
  consent_shares: ConsentSharesTable;
}

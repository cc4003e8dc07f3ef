/** The tables the retention module owns (migration 2026-12-03T110000_retention). */

export type ScheduleTrigger = 'matter_closed' | 'client_ended' | 'document_superseded' | 'fixed_date';
export type ScheduleAction = 'destroy' | 'anonymise' | 'review';

/** A retention schedule: firm text (no client data), matched to matters by practice area and jurisdiction (null = any). */
export interface RetentionSchedulesTable {
  id: string;
  name: string;
  practice_area: string | null;
  jurisdiction: string | null;
  trigger: ScheduleTrigger;
  /** For `fixed_date`: the day (epoch ms, UTC midnight) items become due. */
  fixed_date: number | null;
  period_days: number;
  action: ScheduleAction;
  status: 'active' | 'retired';
  created_by: string;
  created_at: number;
  updated_at: number;
}

/** A legal minimum: no schedule may keep matching items for less (firm text: the rule it comes from). */
export interface RetentionMinimumsTable {
  id: string;
  practice_area: string | null;
  jurisdiction: string | null;
  min_days: number;
  citation: string;
  created_by: string;
  created_at: number;
}

export type HoldScope = 'client' | 'matter' | 'custodian' | 'documents';

/** A legal hold on a client's data; its name and reasons are sealed under the client's key. */
export interface RetentionHoldsTable {
  id: string;
  client_id: string;
  /** The matter for `matter`, and optionally to narrow `custodian` and `documents` holds. */
  matter_id: string | null;
  scope: HoldScope;
  /** For `custodian`: whose items (documents and notes they created, records in their custody). */
  custodian_user_id: string | null;
  key_version: number;
  name_sealed: string;
  reason_sealed: string;
  created_by: string;
  created_at: number;
  released_at: number | null;
  released_by: string | null;
  release_reason_sealed: string | null;
}

/** The documents a `documents` hold names. */
export interface RetentionHoldDocumentsTable {
  hold_id: string;
  document_id: string;
}

/** A custodian's notice of a hold: mailed, acknowledged, reminded. */
export interface RetentionHoldNoticesTable {
  id: string;
  hold_id: string;
  user_id: string;
  notified_at: number;
  acknowledged_at: number | null;
  last_reminded_at: number | null;
  reminders: number;
}

export type DispositionItem = 'client' | 'matter' | 'document_version' | 'record';
export type DispositionStatus = 'review' | 'approved' | 'extended' | 'held' | 'executing' | 'awaiting_physical' | 'executed' | 'failed';

/**
 * One item's way to its end: queued when due, reviewed and approved (two people for sensitive
 * items), executed, certified. `snapshot` is JSON of the ids the approval covers (no client
 * content); its hash binds each approval. `manifest` is what was destroyed (ids, SHA-256 of the
 * ciphertexts), written before the destruction so a crashed run resumes with it.
 */
export interface RetentionDispositionsTable {
  id: string;
  client_id: string;
  matter_id: string | null;
  item_type: DispositionItem;
  /** Client, matter or record id; `<documentId>#<version>` for a superseded version. */
  item_id: string;
  schedule_id: string | null;
  /** What the schedule (or the termination) asked; `review` waits for the reviewer's choice. */
  action: ScheduleAction;
  /** The reviewer's choice for `review` items; the action for others. */
  decision: 'destroy' | 'anonymise' | null;
  due_at: number;
  status: DispositionStatus;
  /** 1: privileged or highly confidential content — two different approvers. */
  sensitive: number;
  snapshot: string;
  snapshot_hash: string;
  /** The person who asked for it (a termination), who may not approve it; null when a schedule made it due. */
  requested_by: string | null;
  manifest: string | null;
  key_event_index: number | null;
  /** JSON of the tombstone kept: only the fields the firm chose. */
  tombstone: string | null;
  certificate_id: string | null;
  /** Why a reviewer kept it longer (sealed under the client's key at `extend_key_version`). */
  extend_reason_sealed: string | null;
  extend_key_version: number | null;
  attempts: number;
  error_code: string | null;
  created_at: number;
  updated_at: number;
  executed_at: number | null;
}

/** One approval of a disposition, bound to the snapshot the approver saw. */
export interface RetentionApprovalsTable {
  disposition_id: string;
  user_id: string;
  snapshot_hash: string;
  at: number;
}

/** A signed certificate of destruction (JSON: ids, hashes and numbers only). */
export interface RetentionCertificatesTable {
  id: string;
  disposition_id: string;
  client_id: string;
  matter_id: string | null;
  body: string;
  created_at: number;
}

/** The end of a client relationship: when, who, whether to anonymise. */
export interface RetentionTerminationsTable {
  id: string;
  client_id: string;
  ended_at: number;
  anonymise: number;
  requested_by: string;
  created_at: number;
}

export interface RetentionTables {
  retention_schedules: RetentionSchedulesTable;
  retention_minimums: RetentionMinimumsTable;
  retention_holds: RetentionHoldsTable;
  retention_hold_documents: RetentionHoldDocumentsTable;
  retention_hold_notices: RetentionHoldNoticesTable;
  retention_dispositions: RetentionDispositionsTable;
  retention_approvals: RetentionApprovalsTable;
  retention_certificates: RetentionCertificatesTable;
  retention_terminations: RetentionTerminationsTable;
}

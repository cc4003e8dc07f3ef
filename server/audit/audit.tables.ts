/** The tables the audit module owns (see the *_audit_* migrations). */
export interface AuditEventRow {
  seq: number;
  at: number;
  leaf: Uint8Array;
  leaf_hash: Uint8Array;
  actor_type: string;
  actor_id: string | null;
  session_id: string | null;
  request_id: string | null;
  ip: string | null;
  user_agent: string | null;
  action: string;
  outcome: string;
  reason: string | null;
  client_id: string | null;
  matter_id: string | null;
  document_id: string | null;
  target_user_id: string | null;
  other_type: string | null;
  other_id: string | null;
  purpose: string | null;
}

export interface AuditTables {
  audit_event: AuditEventRow;
  audit_tree_state: { id: number; size: number; frontier: Uint8Array; root: Uint8Array; updated_at: number };
  audit_node: { level: number; idx: number; hash: Uint8Array };
  audit_checkpoint: { size: number; root: Uint8Array; note: string; created_at: number };
  audit_alert: {
    id: string;
    rule: string;
    actor_id: string | null;
    severity: string;
    first_seq: number | null;
    last_seq: number | null;
    detail: string;
    contained: number;
    status: string;
    created_at: number;
    acknowledged_by: string | null;
    acknowledged_at: number | null;
    /** When the alert went out in a digest mail, or null (see digest.ts). */
    mailed_at: number | null;
  };
  audit_cursor: { name: string; position: number; updated_at: number; status: string | null };
}

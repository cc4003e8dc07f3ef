/** Tables the access module owns (see migrations `*_access_*`). Times are epoch ms. */
import type { MatterRole } from '../../common/roles.js';

export type WallKind = 'exclusionary' | 'inclusionary';
export type GrantReason = 'creator' | 'grant' | 'request';
export type AgreementKind = 'agreement' | 'training';
/** `withheld`: filed for an unknown matter or one that screens the requester; never decidable. */
export type AccessRequestStatus = 'pending' | 'approved' | 'refused' | 'withheld';
export type BreakGlassReviewOutcome = 'justified' | 'unjustified';
export type ApprovalStatus = 'pending' | 'approved' | 'rejected' | 'cancelled' | 'expired';

export interface AccessTables {
  access_clients: { client_id: string; created_by: string; created_at: number };
  access_matters: { matter_id: string; client_id: string; created_at: number };
  access_team_members: { matter_id: string; user_id: string; role: MatterRole; added_at: number; added_by: string; expires_at: number | null };
  access_team_history: { id: string; matter_id: string; user_id: string; role: MatterRole | null; at: number; by_user_id: string | null; expires_at: number | null };
  access_client_grants: {
    id: string;
    client_id: string;
    user_id: string;
    role: MatterRole;
    granted_at: number;
    granted_by: string | null;
    expires_at: number | null;
    revoked_at: number | null;
    revoked_by: string | null;
    reason: GrantReason;
  };
  access_policy_version: { id: number; version: string };
  access_walls: {
    id: string;
    kind: WallKind;
    client_id: string;
    matter_id: string | null;
    memo: string;
    created_at: number;
    created_by: string | null;
    lifted_at: number | null;
    lifted_by: string | null;
  };
  access_wall_members: { wall_id: string; user_id: string };
  access_wall_acknowledgements: { wall_id: string; user_id: string; acknowledged_at: number };
  access_gate_settings: { gate: string; enabled: number; updated_at: number; updated_by: string | null };
  access_agreements: { id: string; user_id: string; kind: AgreementKind; completed_at: number; expires_at: number | null; recorded_by: string | null };
  access_requests: {
    id: string;
    matter_id: string;
    client_id: string;
    user_id: string;
    role: MatterRole;
    reason: string;
    status: AccessRequestStatus;
    requested_at: number;
    decided_at: number | null;
    decided_by: string | null;
    expires_at: number | null;
  };
  access_break_glass: {
    id: string;
    matter_id: string;
    client_id: string;
    user_id: string;
    justification: string;
    started_at: number;
    expires_at: number;
    reviewed_at: number | null;
    reviewed_by: string | null;
    review_outcome: BreakGlassReviewOutcome | null;
    review_note: string | null;
  };
  access_approvals: {
    id: string;
    kind: string;
    payload: string;
    subject_user_id: string | null;
    client_id: string | null;
    status: ApprovalStatus;
    requested_by: string;
    requested_at: number;
    expires_at: number;
    decided_by: string | null;
    decided_at: number | null;
  };
}

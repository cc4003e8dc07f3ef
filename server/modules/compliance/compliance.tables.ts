/**
 * The tables the compliance module owns (migrations 2026-12-04T180000_compliance_program and
 * 2026-12-04T180100_compliance_access_reviews). Policies, agreements and training are firm
 * records about staff, not client data: stored in clear. Access review items name a matter or
 * client by id only.
 */

export type PolicyFormat = 'markdown' | 'pdf';

/** A policy: its current version, owner and review cycle. */
export interface CompliancePoliciesTable {
  id: string;
  title: string;
  owner_user_id: string;
  /** 1: the "current policy acknowledged" gate requires its current version acknowledged. */
  required: number;
  review_cycle_days: number;
  /** 0 until the first version is published. */
  current_version: number;
  /** When the next review is due (epoch ms): the last publication + the review cycle. */
  next_review_at: number;
  status: 'active' | 'retired';
  created_by: string;
  created_at: number;
  updated_at: number;
}

/** One published version: Markdown text, or a PDF kept as bounded bytes (base64 text, ≤ 2 MiB decoded). */
export interface CompliancePolicyVersionsTable {
  id: string;
  policy_id: string;
  version: number;
  format: PolicyFormat;
  body_text: string | null;
  pdf_base64: string | null;
  sha256: string;
  change_note: string | null;
  published_by: string;
  published_at: number;
}

/** A request to acknowledge a policy version: to firm roles and/or named people. */
export interface ComplianceAckCampaignsTable {
  id: string;
  policy_id: string;
  version: number;
  /** JSON array of firm roles. */
  roles: string;
  due_at: number;
  created_by: string;
  created_at: number;
}

/** One person asked by a campaign (reminders and escalation are tracked in compliance_reminders). */
export interface ComplianceAckRequestsTable {
  campaign_id: string;
  user_id: string;
  requested_at: number;
}

/** A person's acknowledgement of one version of a policy (only ever their own). */
export interface ComplianceAcknowledgementsTable {
  policy_id: string;
  version: number;
  user_id: string;
  acknowledged_at: number;
}

export type AgreementParty = 'employee' | 'contractor' | 'vendor';

/** A signed confidentiality agreement of a person: the document (optional PDF), signed day, expiry. */
export interface ComplianceAgreementsTable {
  id: string;
  user_id: string;
  party: AgreementParty;
  title: string;
  signed_at: number;
  expires_at: number | null;
  document_name: string | null;
  document_base64: string | null;
  document_sha256: string | null;
  revoked_at: number | null;
  recorded_by: string;
  created_at: number;
}

/** A training course: for which firm roles, its pass mark, refresher cycle and due window. */
export interface ComplianceCoursesTable {
  id: string;
  title: string;
  description: string | null;
  /** JSON array of firm roles that must take it. */
  roles: string;
  /** 0–100; a completion passes at or above it. */
  pass_mark: number;
  /** A passed completion holds this long (null: forever). */
  refresher_days: number | null;
  /** Someone with no completion must complete it within this many days of the course's creation or their account's. */
  due_within_days: number;
  /** 1: counts for the `confidentiality_training` gate. */
  confidentiality: number;
  status: 'active' | 'retired';
  created_by: string;
  created_at: number;
}

export interface ComplianceCompletionsTable {
  id: string;
  course_id: string;
  user_id: string;
  completed_at: number;
  score: number | null;
  passed: number;
  /** completed_at + refresher (null: never). */
  expires_at: number | null;
  source: 'manual' | 'import';
  recorded_by: string;
  created_at: number;
}

/** One mail per person per subject per cycle: the row is inserted before the mail, so a rerun sends nothing twice. */
export interface ComplianceRemindersTable {
  kind: string;
  subject_id: string;
  user_id: string;
  cycle: string;
  sent_at: number;
}

export type ReviewStatus = 'open' | 'closed';
export type ReviewItemKind = 'seat' | 'grant';
export type ReviewDecision = 'keep' | 'revoke';

export interface ComplianceAccessReviewsTable {
  id: string;
  title: string;
  due_at: number;
  status: ReviewStatus;
  created_by: string;
  created_at: number;
  closed_at: number | null;
}

/**
 * One seat (a person on a matter's team) or client grant to certify. `reviewer_user_id` is the
 * matter's lead (for a grant: the lead of the client's matters, each item once per matter). The
 * decision is applied at once for `revoke`; an item still undecided at the deadline is revoked by the job.
 */
export interface ComplianceReviewItemsTable {
  id: string;
  review_id: string;
  kind: ReviewItemKind;
  client_id: string;
  matter_id: string;
  subject_user_id: string;
  role: string;
  grant_id: string | null;
  reviewer_user_id: string;
  decision: ReviewDecision | null;
  decided_by: string | null;
  decided_at: number | null;
  /** Set when the revocation went through (decision revoke, or automatic at the deadline). */
  revoked_at: number | null;
  /** Last failure code of an automatic revocation (retried by the job). */
  failure: string | null;
}

export interface ComplianceTables {
  compliance_policies: CompliancePoliciesTable;
  compliance_policy_versions: CompliancePolicyVersionsTable;
  compliance_ack_campaigns: ComplianceAckCampaignsTable;
  compliance_ack_requests: ComplianceAckRequestsTable;
  compliance_acknowledgements: ComplianceAcknowledgementsTable;
  compliance_agreements: ComplianceAgreementsTable;
  compliance_courses: ComplianceCoursesTable;
  compliance_completions: ComplianceCompletionsTable;
  compliance_reminders: ComplianceRemindersTable;
  compliance_access_reviews: ComplianceAccessReviewsTable;
  compliance_review_items: ComplianceReviewItemsTable;
}

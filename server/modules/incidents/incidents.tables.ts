/** The tables the incidents module owns (migration 2026-12-04T192000_incidents). */

export const INCIDENT_STATUSES = ['reported', 'triaged', 'contained', 'assessed', 'notified', 'remediated', 'closed'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];
export type IncidentSeverity = 'low' | 'medium' | 'high' | 'critical';
export type IncidentSource = 'staff' | 'alert' | 'compliance';

export interface IncidentsTable {
  id: string;
  /** INC-YYYY-NNNN, per year. */
  number: string;
  title: string;
  /** The reporter's account: firm record, shown to the reporter and the compliance officer only. */
  description: string;
  severity: IncidentSeverity;
  status: IncidentStatus;
  source: IncidentSource;
  alert_id: string | null;
  reported_by: string;
  reported_at: number;
  /** When the firm became aware: every deadline clock runs from here. */
  aware_at: number;
  occurred_at: number | null;
  /** JSON: the regime ids whose deadlines apply. */
  regimes: string;
  /** JSON: the scope (ids and counts), frozen when the incident is assessed. */
  scope: string | null;
  scope_frozen_at: number | null;
  closed_at: number | null;
  updated_at: number;
}

export type StepKind = 'reported' | 'status' | 'note' | 'containment' | 'reversal' | 'scope' | 'regimes' | 'action';

export interface IncidentStepsTable {
  id: string;
  incident_id: string;
  kind: StepKind;
  status: IncidentStatus | null;
  note: string | null;
  /** JSON: ids, codes and counts of the step. */
  detail: string;
  actor_id: string;
  at: number;
}

export type ContainmentAction = 'disable_account' | 'end_sessions' | 'revoke_disclosures';

export interface IncidentContainmentsTable {
  id: string;
  incident_id: string;
  action: ContainmentAction;
  target_id: string;
  /** JSON: what it did (sessions and tokens ended …). */
  result: string;
  executed_by: string;
  executed_at: number;
  reversed_by: string | null;
  reversed_at: number | null;
}

export interface IncidentActionsTable {
  id: string;
  incident_id: string;
  title: string;
  assignee_id: string;
  due_on: number;
  done_at: number | null;
  done_by: string | null;
  created_by: string;
  created_at: number;
}

export interface IncidentRemindersTable {
  incident_id: string;
  deadline: string;
  stage: 'due_soon' | 'overdue';
  sent_at: number;
}

export type NotificationAudience = 'client' | 'regulator' | 'data_subjects';
export type NotificationStatus = 'draft' | 'approved' | 'sent' | 'failed';

/** A letter of the incident. For a client: name, address, subject and body sealed under the client's key (`key_version`). */
export interface IncidentNotificationsTable {
  id: string;
  incident_id: string;
  audience: NotificationAudience;
  client_id: string | null;
  key_version: number | null;
  /** `regime:deadline` the letter answers, or null. */
  deadline: string | null;
  recipient_name: string;
  recipient_email: string;
  subject: string;
  body: string;
  status: NotificationStatus;
  drafted_by: string;
  drafted_at: number;
  approved_by: string | null;
  approved_at: number | null;
  sent_at: number | null;
  error_code: string | null;
  updated_at: number;
}

export interface IncidentTables {
  incident_notifications: IncidentNotificationsTable;
  incidents: IncidentsTable;
  incident_steps: IncidentStepsTable;
  incident_containments: IncidentContainmentsTable;
  incident_actions: IncidentActionsTable;
  incident_reminders: IncidentRemindersTable;
}

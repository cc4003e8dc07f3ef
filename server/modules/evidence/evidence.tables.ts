/** The table the evidence module owns (migration 2026-12-04T191000_evidence_processing_activities). */

export type ProcessingRole = 'controller' | 'processor' | 'joint_controller';

/** One processing activity of the firm's GDPR Art. 30 record: firm text, no client content. */
export interface EvidenceProcessingActivitiesTable {
  id: string;
  name: string;
  role: ProcessingRole;
  purposes: string;
  legal_basis: string;
  data_subjects: string;
  data_categories: string;
  recipients: string;
  /** Transfers to third countries or international organisations and their safeguards ("none" allowed). */
  transfers: string;
  /** Envisaged time limits for erasure. */
  retention: string;
  security_measures: string;
  owner_id: string;
  created_by: string;
  created_at: number;
  updated_at: number;
  retired_at: number | null;
}

export interface EvidenceTables {
  evidence_processing_activities: EvidenceProcessingActivitiesTable;
}

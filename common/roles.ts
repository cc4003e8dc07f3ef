/** Firm roles (one per staff account) and the client portal role. */
export const FIRM_ROLES = ['firm_admin', 'compliance_officer', 'attorney', 'paralegal', 'staff', 'client'] as const;
export type FirmRole = (typeof FIRM_ROLES)[number];

/** Roles a person can hold on one matter's team. */
export const MATTER_ROLES = ['lead_attorney', 'attorney', 'paralegal', 'assistant'] as const;
export type MatterRole = (typeof MATTER_ROLES)[number];

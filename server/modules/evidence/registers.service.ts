/**
 * Registers and reports for an auditor, each as one table (CSV and PDF): the record of processing
 * activities, the disclosure register (the consent module's, with its own access rules), training
 * and agreement status, policies with their acknowledgement status, access review campaigns, and
 * incidents, and backups with drills.
 */
import { requireAccess } from '../../access/index.js';
import { recordEvent } from '../../audit/index.js';
import type { RequestContext } from '../../platform/context.js';
import { tableCsv, tablePdf, type ReportTable } from '../../platform/reports/tables.js';
import { backupStatus } from '../backup/index.js';
import { findAccessReviews, findComplianceAgreements, findCompliancePolicies, findTrainingStatus } from '../compliance/index.js';
import { findDisclosures } from '../consent/index.js';
import { findIncidents, getIncident } from '../incidents/index.js';
import type { RegisterName } from './evidence.schemas.js';
import { findProcessingActivities } from './processing.service.js';

const FIRM = { kind: 'firm' } as const;
const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? '' : new Date(ms).toISOString());

export const REGISTERS: Record<RegisterName, { title: string; description: string }> = {
  'processing-activities': { title: 'Record of processing activities (GDPR Art. 30)', description: 'Every processing activity of the firm: purposes, categories, recipients, transfers, erasure limits, security measures.' },
  disclosures: { title: 'Disclosure register', description: 'Every disclosure of client information: to whom, on which consent or legal exception, who approved, what was released.' },
  training: { title: 'Training status', description: 'Each person and course: current, due, overdue or expired, with the last score.' },
  agreements: { title: 'Confidentiality agreements', description: 'Each agreement on file: party, signed and expiry dates, status.' },
  policies: { title: 'Policies and acknowledgements', description: 'Each policy: current version, owner, next review, how many were asked to acknowledge and how many did.' },
  'access-reviews': { title: 'Access review campaigns', description: 'Each campaign: due date, items kept, revoked and undecided.' },
  incidents: { title: 'Incidents', description: 'Each incident: reported, aware, severity, step, the regimes that apply, the scope’s counts, closed.' },
  backups: { title: 'Backups and drills', description: 'The newest backups, drills and restores: when, result, recovery time.' },
};

/** One register as a table. Throws ACCESS_DENIED (compliance.manage, and what each source needs). */
export async function registerTable(ctx: RequestContext, name: RegisterName): Promise<ReportTable> {
  await requireAccess(ctx, 'compliance.manage', FIRM);
  const { title } = REGISTERS[name];
  const asOf = `As of ${new Date(ctx.app.clock.now()).toISOString().slice(0, 10)}.`;
  switch (name) {
    case 'processing-activities': {
      const rows = await findProcessingActivities(ctx, { includeRetired: true });
      return {
        title,
        subtitle: `${ctx.app.config.retention.firmName}: ${rows.filter((r) => r.retiredAt === null).length} current activities (retired ones kept with their date). ${asOf}`,
        columns: [
          { key: 'name', label: 'Activity', width: 10 },
          { key: 'role', label: 'Role', width: 6 },
          { key: 'purposes', label: 'Purposes', width: 12 },
          { key: 'legal_basis', label: 'Legal basis', width: 9 },
          { key: 'data_subjects', label: 'Data subjects', width: 9 },
          { key: 'data_categories', label: 'Data categories', width: 10 },
          { key: 'recipients', label: 'Recipients', width: 9 },
          { key: 'transfers', label: 'Transfers', width: 8 },
          { key: 'retention', label: 'Erasure', width: 8 },
          { key: 'security_measures', label: 'Security measures', width: 12 },
          { key: 'owner', label: 'Owner', width: 7 },
          { key: 'retired_at', label: 'Retired', width: 6 },
        ],
        rows: rows.map((r) => ({ name: r.name, role: r.role, purposes: r.purposes, legal_basis: r.legalBasis, data_subjects: r.dataSubjects, data_categories: r.dataCategories, recipients: r.recipients, transfers: r.transfers, retention: r.retention, security_measures: r.securityMeasures, owner: r.owner.name, retired_at: r.retiredAt ?? '' })),
      };
    }
    case 'disclosures': {
      const views = await findDisclosures(ctx);
      return {
        title,
        subtitle: `${views.length} disclosures the viewer may see (recipients' addresses included). ${asOf}`,
        columns: [
          { key: 'requested_at', label: 'Requested', width: 8 },
          { key: 'status', label: 'Status', width: 6 },
          { key: 'client', label: 'Client', width: 9 },
          { key: 'matter', label: 'Matter', width: 6 },
          { key: 'recipient', label: 'Recipient', width: 12 },
          { key: 'category', label: 'Kind', width: 6 },
          { key: 'basis', label: 'Basis', width: 9 },
          { key: 'purpose', label: 'Purpose', width: 12 },
          { key: 'approved_by', label: 'Approved by', width: 8 },
          { key: 'executed_at', label: 'Executed', width: 8 },
          { key: 'items', label: 'Items released', width: 5 },
        ],
        rows: views.map((d) => ({
          requested_at: iso(d.requestedAt),
          status: d.status,
          client: d.clientName ?? d.clientId,
          matter: d.matter.number ?? d.matter.id,
          recipient: `${d.recipient.name} <${d.recipient.email}>`,
          category: d.recipient.category ?? '',
          basis: d.basis.kind === 'consent' ? `consent ${d.basis.consentId ?? ''}`.trim() : `exception: ${d.basis.exception ?? ''}${d.basis.reference ? ` (${d.basis.reference})` : ''}`,
          purpose: d.purpose,
          approved_by: d.approvedByName ?? d.approvedBy ?? '',
          executed_at: iso(d.executedAt),
          items: d.released.length,
        })),
      };
    }
    case 'training': {
      const states = await findTrainingStatus(ctx);
      return {
        title,
        subtitle: `${states.length} person × course lines; ${states.filter((s) => s.state === 'overdue' || s.state === 'expired').length} overdue or expired. ${asOf}`,
        columns: [
          { key: 'person', label: 'Person', width: 10 },
          { key: 'role', label: 'Role', width: 6 },
          { key: 'course', label: 'Course', width: 12 },
          { key: 'state', label: 'State', width: 6 },
          { key: 'due_on', label: 'Due', width: 6 },
          { key: 'last_score', label: 'Last score', width: 5 },
        ],
        rows: states.map((s) => ({ person: s.person.name, role: s.role, course: s.course.title, state: s.state, due_on: s.dueOn ?? '', last_score: s.lastScore })),
      };
    }
    case 'agreements': {
      const agreements = await findComplianceAgreements(ctx);
      return {
        title,
        subtitle: `${agreements.length} agreements on file. ${asOf}`,
        columns: [
          { key: 'person', label: 'Person', width: 10 },
          { key: 'party', label: 'Party', width: 6 },
          { key: 'title', label: 'Agreement', width: 12 },
          { key: 'signed_on', label: 'Signed', width: 6 },
          { key: 'expires_on', label: 'Expires', width: 6 },
          { key: 'status', label: 'Status', width: 6 },
          { key: 'document_sha256', label: 'Signed document SHA-256', width: 14 },
        ],
        rows: agreements.map((a) => ({ person: a.person.name, party: a.party, title: a.title, signed_on: a.signedOn, expires_on: a.expiresOn ?? '', status: a.status, document_sha256: a.documentSha256 ?? '' })),
      };
    }
    case 'policies': {
      const policies = await findCompliancePolicies(ctx);
      return {
        title,
        subtitle: `${policies.length} policies. ${asOf}`,
        columns: [
          { key: 'title', label: 'Policy', width: 12 },
          { key: 'version', label: 'Version', width: 4 },
          { key: 'owner', label: 'Owner', width: 8 },
          { key: 'required', label: 'Required', width: 4 },
          { key: 'next_review', label: 'Next review', width: 6 },
          { key: 'review_overdue', label: 'Review overdue', width: 5 },
          { key: 'asked', label: 'Asked', width: 4 },
          { key: 'acknowledged', label: 'Acknowledged', width: 5 },
          { key: 'status', label: 'Status', width: 5 },
        ],
        rows: policies.map((p) => ({ title: p.title, version: p.currentVersion, owner: p.owner.name, required: p.required ? 'yes' : 'no', next_review: p.nextReviewDue ?? '', review_overdue: p.reviewOverdue ? 'yes' : 'no', asked: p.asked, acknowledged: p.acknowledged, status: p.status })),
      };
    }
    case 'access-reviews': {
      const reviews = await findAccessReviews(ctx);
      return {
        title,
        subtitle: `${reviews.length} campaigns. ${asOf}`,
        columns: [
          { key: 'title', label: 'Campaign', width: 12 },
          { key: 'due', label: 'Due', width: 6 },
          { key: 'status', label: 'Status', width: 5 },
          { key: 'items', label: 'Items', width: 4 },
          { key: 'kept', label: 'Kept', width: 4 },
          { key: 'revoked', label: 'Revoked', width: 4 },
          { key: 'undecided', label: 'Undecided', width: 4 },
          { key: 'closed_at', label: 'Closed', width: 8 },
        ],
        rows: reviews.map((r) => ({ title: r.title, due: r.due, status: r.status, items: r.items, kept: r.kept, revoked: r.revoked, undecided: r.undecided, closed_at: iso(r.closedAt) })),
      };
    }
    case 'incidents': {
      // Every incident is the compliance officer's to see; anyone else would get only their own reports.
      await requireAccess(ctx, 'incident.manage', FIRM);
      const incidents = await findIncidents(ctx);
      const details = await Promise.all(incidents.map((i) => getIncident(ctx, i.id)));
      return {
        title,
        subtitle: `${incidents.length} incidents, ${incidents.filter((i) => i.status !== 'closed').length} open. ${asOf}`,
        columns: [
          { key: 'number', label: 'Incident', width: 6 },
          { key: 'title', label: 'Title', width: 14 },
          { key: 'severity', label: 'Severity', width: 4 },
          { key: 'status', label: 'Step', width: 5 },
          { key: 'reported_at', label: 'Reported', width: 8 },
          { key: 'aware_at', label: 'Aware', width: 8 },
          { key: 'regimes', label: 'Regimes', width: 6 },
          { key: 'scope', label: 'Scope (clients / matters / documents)', width: 8 },
          { key: 'letters_due', label: 'Clocks overdue', width: 4 },
          { key: 'closed_at', label: 'Closed', width: 8 },
        ],
        rows: details.map((d) => ({
          number: d.number,
          title: d.title,
          severity: d.severity,
          status: d.status,
          reported_at: d.reportedAt,
          aware_at: d.awareAt,
          regimes: d.regimes.join(' '),
          scope: d.scope ? `${d.scope.counts.clients} / ${d.scope.counts.matters} / ${d.scope.counts.documents}` : '',
          letters_due: d.clocks.filter((c) => c.state === 'overdue').length,
          closed_at: d.closedAt ?? '',
        })),
      };
    }
    case 'backups': {
      const status = await backupStatus(ctx);
      return {
        title,
        subtitle: `Target ${status.settings.target ?? 'not configured'}; last successful backup ${status.lastSuccessfulBackup?.finishedAt ?? 'never'}, last successful drill ${status.lastSuccessfulDrill?.finishedAt ?? 'never'}. ${asOf}`,
        columns: [
          { key: 'kind', label: 'Kind', width: 4 },
          { key: 'started_at', label: 'Started', width: 8 },
          { key: 'ok', label: 'Result', width: 4 },
          { key: 'backup_id', label: 'Backup', width: 9 },
          { key: 'error_code', label: 'Error', width: 7 },
          { key: 'rto_seconds', label: 'Recovery time (s)', width: 5 },
          { key: 'documents_checked', label: 'Documents checked', width: 5 },
        ],
        rows: status.runs.map((r) => ({ kind: r.kind, started_at: r.startedAt, ok: r.ok ? 'ok' : 'failed', backup_id: r.backupId ?? '', error_code: r.errorCode ?? '', rto_seconds: typeof r.detail.rtoSeconds === 'number' ? r.detail.rtoSeconds : null, documents_checked: typeof r.detail.documentsChecked === 'number' ? r.detail.documentsChecked : null })),
      };
    }
  }
}

/** A register as CSV or PDF, audited (`compliance.register.export`). */
export async function exportRegister(ctx: RequestContext, name: RegisterName, format: 'csv' | 'pdf'): Promise<{ bytes: Buffer; contentType: string; filename: string }> {
  const table = await registerTable(ctx, name);
  await recordEvent(ctx, { action: 'compliance.register.export', outcome: 'allowed', reason: `${name}:${format}` });
  const bytes = format === 'pdf' ? await tablePdf(table, new Date(ctx.app.clock.now())) : Buffer.from(tableCsv(table), 'utf8');
  return { bytes, contentType: format === 'pdf' ? 'application/pdf' : 'text/csv; charset=utf-8', filename: `${name}.${format}` };
}

/** Which registers exist and how many rows each has now. */
export async function registerCatalogue(ctx: RequestContext): Promise<{ register: RegisterName; title: string; description: string; rows: number }[]> {
  await requireAccess(ctx, 'compliance.manage', FIRM);
  const out: { register: RegisterName; title: string; description: string; rows: number }[] = [];
  for (const name of Object.keys(REGISTERS) as RegisterName[]) {
    const rows = await registerTable(ctx, name).then(
      (t) => t.rows.length,
      () => 0,
    );
    out.push({ register: name, ...REGISTERS[name], rows });
  }
  return out;
}

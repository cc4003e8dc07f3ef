/**
 * The firm's record of processing activities (GDPR Art. 30): kept by the compliance officer and
 * the firm administrator (`compliance.manage`), firm text only. Every change is audited.
 */
import { describeTargets, requireAccess } from '../../access/index.js';
import { recordEvent } from '../../audit/index.js';
import { inTransaction, type RequestContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { userDirectory } from '../identity/index.js';
import { findProcessingActivityRows, getProcessingActivityRow, insertProcessingActivity, updateProcessingActivityRow } from './evidence.repository.js';
import type { EvidenceProcessingActivitiesTable, ProcessingRole } from './evidence.tables.js';

export interface ActivityInput {
  name: string;
  role: ProcessingRole;
  purposes: string;
  legalBasis: string;
  dataSubjects: string;
  dataCategories: string;
  recipients: string;
  transfers: string;
  retention: string;
  securityMeasures: string;
  ownerId: string;
}

export interface ActivityView extends Omit<ActivityInput, 'ownerId'> {
  id: string;
  owner: { id: string; name: string };
  createdAt: string;
  updatedAt: string;
  retiredAt: string | null;
}

const COLUMNS: Record<Exclude<keyof ActivityInput, 'ownerId'>, keyof EvidenceProcessingActivitiesTable> = {
  name: 'name',
  role: 'role',
  purposes: 'purposes',
  legalBasis: 'legal_basis',
  dataSubjects: 'data_subjects',
  dataCategories: 'data_categories',
  recipients: 'recipients',
  transfers: 'transfers',
  retention: 'retention',
  securityMeasures: 'security_measures',
};

const iso = (at: number) => new Date(at).toISOString();
const FIRM = { kind: 'firm' } as const;

/** 400 naming `path` unless the id is a staff member (not a client's portal account, not disabled). */
async function checkOwner(ctx: RequestContext, id: string, path: string): Promise<void> {
  const [user] = await userDirectory.getUsers(ctx, [id]);
  if (!user || user.role === 'client' || user.status === 'disabled') throw new AppError('VALIDATION_FAILED', 'ownerId must name a staff member of this firm', [{ path, message: 'must name a staff member of this firm' }]);
}

async function present(ctx: RequestContext, rows: EvidenceProcessingActivitiesTable[]): Promise<ActivityView[]> {
  const labels = await describeTargets(ctx, { userIds: [...new Set(rows.map((r) => r.owner_id))] });
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    role: r.role,
    purposes: r.purposes,
    legalBasis: r.legal_basis,
    dataSubjects: r.data_subjects,
    dataCategories: r.data_categories,
    recipients: r.recipients,
    transfers: r.transfers,
    retention: r.retention,
    securityMeasures: r.security_measures,
    owner: { id: r.owner_id, name: labels.users.get(r.owner_id)?.name ?? 'Former user' },
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
    retiredAt: r.retired_at === null ? null : iso(r.retired_at),
  }));
}

const notFound = () => new AppError('NOT_FOUND', 'No such processing activity');

/** The record (active entries; retired ones too when asked). Throws ACCESS_DENIED. */
export async function findProcessingActivities(ctx: RequestContext, options: { includeRetired?: boolean } = {}): Promise<ActivityView[]> {
  await requireAccess(ctx, 'compliance.manage', FIRM);
  return present(ctx, await findProcessingActivityRows(ctx, { includeRetired: options.includeRetired === true }));
}

/** Adds an activity; the owner must be a staff member (400 `body.ownerId`). Audited. */
export async function createProcessingActivity(ctx: RequestContext, input: ActivityInput): Promise<ActivityView> {
  await requireAccess(ctx, 'compliance.manage', FIRM);
  await checkOwner(ctx, input.ownerId, 'body.ownerId');
  return inTransaction(ctx, async (tx) => {
    const now = tx.app.clock.now();
    const row: EvidenceProcessingActivitiesTable = {
      id: newId(),
      name: input.name,
      role: input.role,
      purposes: input.purposes,
      legal_basis: input.legalBasis,
      data_subjects: input.dataSubjects,
      data_categories: input.dataCategories,
      recipients: input.recipients,
      transfers: input.transfers,
      retention: input.retention,
      security_measures: input.securityMeasures,
      owner_id: input.ownerId,
      created_by: tx.actor.kind === 'user' ? tx.actor.userId : `system:${tx.actor.kind === 'system' ? tx.actor.name : 'unknown'}`,
      created_at: now,
      updated_at: now,
      retired_at: null,
    };
    await insertProcessingActivity(tx, row);
    await recordEvent(tx, { action: 'compliance.processing.create', outcome: 'allowed', resources: { other: { type: 'processing_activity', id: row.id } } });
    return (await present(tx, [row]))[0]!;
  });
}

/** Changes an activity (not a retired one: 409). Audited. */
export async function changeProcessingActivity(ctx: RequestContext, id: string, input: Partial<ActivityInput>): Promise<ActivityView> {
  await requireAccess(ctx, 'compliance.manage', FIRM);
  if (input.ownerId !== undefined) await checkOwner(ctx, input.ownerId, 'body.ownerId');
  return inTransaction(ctx, async (tx) => {
    const row = await getProcessingActivityRow(tx, id);
    if (!row) throw notFound();
    if (row.retired_at !== null) throw new AppError('CONFLICT', 'This processing activity is retired: add a new one instead');
    const changes: Partial<EvidenceProcessingActivitiesTable> = { updated_at: tx.app.clock.now() };
    for (const [key, column] of Object.entries(COLUMNS) as [keyof typeof COLUMNS, keyof EvidenceProcessingActivitiesTable][]) {
      if (input[key] !== undefined) (changes as Record<string, unknown>)[column] = input[key];
    }
    if (input.ownerId !== undefined) changes.owner_id = input.ownerId;
    await updateProcessingActivityRow(tx, id, changes);
    await recordEvent(tx, { action: 'compliance.processing.update', outcome: 'allowed', resources: { other: { type: 'processing_activity', id } } });
    return (await present(tx, [{ ...row, ...changes } as EvidenceProcessingActivitiesTable]))[0]!;
  });
}

/** Retires an activity: kept in the record (with the date) but no longer current. Audited. */
export async function retireProcessingActivity(ctx: RequestContext, id: string): Promise<ActivityView> {
  await requireAccess(ctx, 'compliance.manage', FIRM);
  return inTransaction(ctx, async (tx) => {
    const row = await getProcessingActivityRow(tx, id);
    if (!row) throw notFound();
    if (row.retired_at !== null) return (await present(tx, [row]))[0]!;
    const now = tx.app.clock.now();
    await updateProcessingActivityRow(tx, id, { retired_at: now, updated_at: now });
    await recordEvent(tx, { action: 'compliance.processing.retire', outcome: 'allowed', resources: { other: { type: 'processing_activity', id } } });
    return (await present(tx, [{ ...row, retired_at: now, updated_at: now }]))[0]!;
  });
}

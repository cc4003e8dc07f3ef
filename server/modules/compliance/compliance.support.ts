/** Small helpers the compliance services share: the firm target, days, people, roles, hashes. */
import { createHash } from 'node:crypto';
import { describeTargets, type TargetLabels } from '../../access/index.js';
import { FIRM_ROLES, type FirmRole } from '../../../common/roles.js';
import type { RequestContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { userDirectory } from '../identity/index.js';

export const FIRM = { kind: 'firm' } as const;
export const DAY_MS = 86_400_000;
/** Staff roles a policy or course can be addressed to (never a client's portal account). */
export const STAFF_ROLES = FIRM_ROLES.filter((r) => r !== 'client') as Exclude<FirmRole, 'client'>[];
/** The largest PDF kept (decoded bytes): policies and signed agreements. */
export const MAX_DOCUMENT_BYTES = 2 * 1024 * 1024;

/** `YYYY-MM-DD` → epoch ms at UTC midnight; 400 naming `path` when it is not a real day. */
export function parseDay(value: string, path: string): number {
  const at = Date.parse(`${value}T00:00:00.000Z`);
  if (!Number.isFinite(at) || new Date(at).toISOString().slice(0, 10) !== value) throw fieldError(path, 'must be a real calendar day, YYYY-MM-DD');
  return at;
}

export const dayOf = (at: number | null): string | null => (at === null ? null : new Date(at).toISOString().slice(0, 10));

export function fieldError(path: string, message: string, code: 'VALIDATION_FAILED' | 'TRAINING_IMPORT_INVALID' = 'VALIDATION_FAILED'): AppError {
  const name = path.replace(/^[a-z]+\./, '');
  return new AppError(code, `${name} ${message}`, [{ path, message }]);
}

/** The signed-in person's id (staff or the CLI's and jobs' system actor name). */
export function actorIdOf(ctx: RequestContext): string {
  return ctx.actor.kind === 'user' ? ctx.actor.userId : ctx.actor.kind === 'system' ? `system:${ctx.actor.name}` : 'anonymous';
}

export function personOf(labels: TargetLabels, id: string): { id: string; name: string } {
  if (id.startsWith('system:')) return { id, name: 'Confidant (scheduled run)' };
  return { id, name: labels.users.get(id)?.name ?? 'Former user' };
}

export async function labelsFor(ctx: RequestContext, userIds: string[]): Promise<TargetLabels> {
  return describeTargets(ctx, { userIds: [...new Set(userIds.filter((id) => !id.startsWith('system:')))] });
}

export const sha256Hex = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

/** Decodes a base64 PDF, refusing anything that is not a PDF or is too large (400 naming `path`). */
export function decodePdf(base64: string, path: string): { base64: string; bytes: Buffer } {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) throw fieldError(path, 'must be base64');
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length === 0) throw fieldError(path, 'must not be empty');
  if (bytes.length > MAX_DOCUMENT_BYTES) throw fieldError(path, `must be at most ${MAX_DOCUMENT_BYTES / 1024 / 1024} MiB`);
  if (bytes.subarray(0, 5).toString('latin1') !== '%PDF-') throw fieldError(path, 'must be a PDF file');
  return { base64: bytes.toString('base64'), bytes };
}

export const parseRoles = (json: string): FirmRole[] => {
  const parsed = JSON.parse(json) as unknown;
  return Array.isArray(parsed) ? (parsed.filter((r) => typeof r === 'string' && (FIRM_ROLES as readonly string[]).includes(r)) as FirmRole[]) : [];
};

export interface StaffMember {
  id: string;
  name: string;
  email: string;
  role: FirmRole;
  status: 'active' | 'leaving' | 'disabled';
  createdAt: number;
}

/**
 * Every active staff account (not clients). Callers have already passed requireAccess for a
 * compliance permission: the directory's unsafe list is never handed on, only ids and names.
 */
export async function activeStaff(ctx: RequestContext): Promise<StaffMember[]> {
  return (await userDirectory.unsafeListAllUsers(ctx)).filter((u) => u.role !== 'client' && u.status === 'active');
}

/** 400 naming `path` unless every id is an active staff account. */
export async function checkPeople(ctx: RequestContext, ids: string[], path: string): Promise<Map<string, StaffMember>> {
  const found = new Map((await userDirectory.getUsers(ctx, ids)).filter((u) => u.role !== 'client' && u.status !== 'disabled').map((u) => [u.id, u]));
  if (ids.some((id) => !found.has(id))) throw fieldError(path, 'must name a staff member of this firm');
  return found;
}

/** The compliance officers to tell (escalation when a person has no supervisor on record). */
export async function complianceOfficers(ctx: RequestContext): Promise<StaffMember[]> {
  return (await activeStaff(ctx)).filter((u) => u.role === 'compliance_officer');
}

/** Kysely on matter teams: the current seats (access_team_members) and their never-overwritten history (access_team_history). */
import type { MatterRole } from '../../common/roles.js';
import type { RequestContext } from '../platform/context.js';
import { tablesOf } from '../platform/db/database.js';
import { newId } from '../platform/ids.js';
import type { AccessTables } from './access.tables.js';

// The context's handle; never exported: SQL stays in the repositories.
const db = (ctx: RequestContext) => tablesOf<AccessTables>(ctx.db);

export type TeamMemberRow = AccessTables['access_team_members'];

/** The matter's seats, oldest first. */
export async function findTeamRows(ctx: RequestContext, matterId: string): Promise<TeamMemberRow[]> {
  return db(ctx).selectFrom('access_team_members').selectAll().where('matter_id', '=', matterId).orderBy('added_at').execute();
}

export async function findSeatRole(ctx: RequestContext, matterId: string, userId: string): Promise<MatterRole | undefined> {
  return (await db(ctx).selectFrom('access_team_members').select('role').where('matter_id', '=', matterId).where('user_id', '=', userId).executeTakeFirst())?.role;
}

export async function countLeads(ctx: RequestContext, matterId: string): Promise<number> {
  return (await db(ctx).selectFrom('access_team_members').select('user_id').where('matter_id', '=', matterId).where('role', '=', 'lead_attorney').execute()).length;
}

export async function updateSeat(ctx: RequestContext, matterId: string, userId: string, patch: { role: MatterRole; expires_at: number | null }): Promise<void> {
  await db(ctx).updateTable('access_team_members').set(patch).where('matter_id', '=', matterId).where('user_id', '=', userId).execute();
}

export async function insertSeat(ctx: RequestContext, row: TeamMemberRow): Promise<void> {
  await db(ctx).insertInto('access_team_members').values(row).execute();
}

export async function deleteSeat(ctx: RequestContext, matterId: string, userId: string): Promise<void> {
  await db(ctx).deleteFrom('access_team_members').where('matter_id', '=', matterId).where('user_id', '=', userId).execute();
}

/** One history row: `role` null means the person left the team. */
export async function insertTeamHistory(ctx: RequestContext, row: Omit<AccessTables['access_team_history'], 'id'>): Promise<void> {
  await db(ctx).insertInto('access_team_history').values({ id: newId(), ...row }).execute();
}

/** Team history of one matter, or of every matter of a client, in order (the could-access report). */
export async function findTeamHistoryRows(ctx: RequestContext, target: { matterId: string | null; clientId: string }) {
  let query = db(ctx).selectFrom('access_team_history as h').innerJoin('access_matters as m', 'm.matter_id', 'h.matter_id').select(['h.matter_id', 'h.user_id', 'h.role', 'h.at', 'h.expires_at', 'h.id']);
  query = target.matterId ? query.where('h.matter_id', '=', target.matterId) : query.where('m.client_id', '=', target.clientId);
  return query.orderBy('h.at').orderBy('h.id').execute();
}

/** People holding a current seat on the matter, or (no matter) on any matter of the client. */
export async function findCurrentSeatHolderIds(ctx: RequestContext, target: { matterId: string | null; clientId: string }, now: number): Promise<string[]> {
  let query = db(ctx)
    .selectFrom('access_team_members as t')
    .innerJoin('access_matters as m', 'm.matter_id', 't.matter_id')
    .select('t.user_id')
    .distinct()
    .where((eb) => eb.or([eb('t.expires_at', 'is', null), eb('t.expires_at', '>', now)]));
  query = target.matterId ? query.where('t.matter_id', '=', target.matterId) : query.where('m.client_id', '=', target.clientId);
  return (await query.execute()).map((r) => r.user_id);
}

/** Every current seat with its matter's client (the access review's inventory). */
export async function findAllCurrentSeats(ctx: RequestContext, now: number): Promise<{ matter_id: string; client_id: string; user_id: string; role: MatterRole }[]> {
  return db(ctx)
    .selectFrom('access_team_members')
    .innerJoin('access_matters', 'access_matters.matter_id', 'access_team_members.matter_id')
    .select(['access_team_members.matter_id', 'access_matters.client_id', 'access_team_members.user_id', 'access_team_members.role'])
    .where((eb) => eb.or([eb('access_team_members.expires_at', 'is', null), eb('access_team_members.expires_at', '>', now)]))
    .execute();
}

import type { Kysely } from 'kysely';

// Why a session ended (sign-out, an administrator, containment, a password reset…), so the
// sign-in page can tell the person whose browser held it why they must sign in again.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('identity_sessions').addColumn('revoked_reason', 'varchar(40)').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('identity_sessions').dropColumn('revoked_reason').execute();
}

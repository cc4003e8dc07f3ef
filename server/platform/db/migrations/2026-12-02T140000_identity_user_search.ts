import type { Kysely } from 'kysely';

// People search (pickers): a folded copy of name and email — lower case, accents removed — so a
// plain LIKE finds "Zoë" from "zoe" on both databases. The folding is repeated here because a
// migration imports nothing but Kysely; identity's `foldForSearch` must stay the same function.
function fold(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('identity_users').addColumn('search_text', 'varchar(1100)', (c) => c.notNull().defaultTo('')).execute();
  const rows = (await db.selectFrom('identity_users').select(['id', 'name', 'email']).execute()) as { id: string; name: string; email: string }[];
  for (const row of rows) await db.updateTable('identity_users').set({ search_text: fold(`${row.name} ${row.email}`) }).where('id', '=', row.id).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('identity_users').dropColumn('search_text').execute();
}

import type { Kysely } from 'kysely';

// The client portal (issue 16): a client's contacts (accounts of role client, bound to one client
// and optionally to some of its matters), the consents asked of them, message threads per matter
// with attachments and read receipts, documents shared with a contact, and file requests. Every
// client text (subjects, bodies, what a consent request asks, request titles) is sealed under the
// client's key; files are vault documents.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('portal_contacts')
    .addColumn('user_id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('client_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('matter_scope', 'varchar(16)', (c) => c.notNull())
    .addColumn('matter_ids', 'text', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('invited_by', 'varchar(64)', (c) => c.notNull())
    .addColumn('invited_at', 'bigint', (c) => c.notNull())
    .addColumn('activated_at', 'bigint')
    .addColumn('disabled_by', 'varchar(64)')
    .addColumn('disabled_at', 'bigint')
    .execute();
  await db.schema.createIndex('portal_contacts_client').on('portal_contacts').columns(['client_id']).execute();

  await db.schema
    .createTable('portal_consent_requests')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('client_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('contact_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('key_version', 'integer', (c) => c.notNull())
    .addColumn('request_sealed', 'text', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('consent_id', 'varchar(36)')
    .addColumn('decided_at', 'bigint')
    .addColumn('created_by', 'varchar(64)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('portal_consent_requests_contact').on('portal_consent_requests').columns(['contact_id', 'status']).execute();

  await db.schema
    .createTable('portal_threads')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('client_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('matter_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('key_version', 'integer', (c) => c.notNull())
    .addColumn('subject_sealed', 'text', (c) => c.notNull())
    .addColumn('created_by', 'varchar(64)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_message_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('portal_threads_matter').on('portal_threads').columns(['matter_id', 'last_message_at']).execute();

  await db.schema
    .createTable('portal_messages')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('thread_id', 'varchar(36)', (c) => c.notNull().references('portal_threads.id'))
    .addColumn('client_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('matter_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('key_version', 'integer', (c) => c.notNull())
    .addColumn('body_sealed', 'text', (c) => c.notNull())
    .addColumn('author_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('author_kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('portal_messages_thread').on('portal_messages').columns(['thread_id', 'created_at']).execute();

  await db.schema
    .createTable('portal_message_documents')
    .addColumn('message_id', 'varchar(36)', (c) => c.notNull().references('portal_messages.id'))
    .addColumn('document_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('thread_id', 'varchar(36)', (c) => c.notNull())
    .addPrimaryKeyConstraint('portal_message_documents_pk', ['message_id', 'document_id'])
    .execute();
  await db.schema.createIndex('portal_message_documents_document').on('portal_message_documents').columns(['document_id']).execute();

  await db.schema
    .createTable('portal_reads')
    .addColumn('message_id', 'varchar(36)', (c) => c.notNull().references('portal_messages.id'))
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('read_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('portal_reads_pk', ['message_id', 'user_id'])
    .execute();

  await db.schema
    .createTable('portal_shared_documents')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('document_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('client_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('matter_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('contact_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('shared_by', 'varchar(64)', (c) => c.notNull())
    .addColumn('shared_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_by', 'varchar(64)')
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema.createIndex('portal_shared_documents_contact').on('portal_shared_documents').columns(['contact_id', 'document_id']).execute();

  await db.schema
    .createTable('portal_file_requests')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('client_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('matter_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('key_version', 'integer', (c) => c.notNull())
    .addColumn('title_sealed', 'text', (c) => c.notNull())
    .addColumn('created_by', 'varchar(64)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('closed_at', 'bigint')
    .execute();
  await db.schema.createIndex('portal_file_requests_matter').on('portal_file_requests').columns(['matter_id']).execute();

  // Every file a contact uploads (into a file request, or to attach to a message): a vault document they may open again.
  await db.schema
    .createTable('portal_uploads')
    .addColumn('document_id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('client_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('matter_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('request_id', 'varchar(36)', (c) => c.references('portal_file_requests.id'))
    .addColumn('uploaded_by', 'varchar(36)', (c) => c.notNull())
    .addColumn('uploaded_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('portal_uploads_request').on('portal_uploads').columns(['request_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['portal_uploads', 'portal_file_requests', 'portal_shared_documents', 'portal_reads', 'portal_message_documents', 'portal_messages', 'portal_threads', 'portal_consent_requests', 'portal_contacts']) {
    await db.schema.dropTable(table).execute();
  }
}

/**
 * Messages per matter between the client's contacts and the matter team: threads, plain-text
 * bodies sealed under the client's key, attachments that are vault documents of the matter, read
 * receipts, and e-mail notifications that carry no content. Staff decide on message.read /
 * message.write (their seat on the matter; a walled person never reaches it); a contact on
 * portal.read / portal.write (their own matters, through the choke point).
 */
import type { DocumentId, MatterId } from '../../../common/ids.js';
import { canAccess, couldAccessNow, describeTargets, requireAccess } from '../../access/index.js';
import { recordEvent } from '../../audit/index.js';
import { inTransaction, type RequestContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { documentSummariesOfClient, getDocumentById } from '../vault/index.js';
import { countUnreadOfThreads, findContactRowsReaching, findMessageRowsOfThread, findThreadRowsOfMatter, findThreadRowsOfMatters, getThreadRow, insertMessageRow, insertReadRows, insertThreadRow, unsafeUploadedBy, type ClientAuth, type MatterAuth, type ObjectAuth } from './portal.repository.js';
import { sealerCache, sealerForWrite } from './portal.sealing.js';
import { actorIdOf, matterRef, nameOf, requireContact } from './portal.support.js';
import type { PortalMessagesTable, PortalThreadsTable } from './portal.tables.js';

const THREADS = 'portal_threads';
const MESSAGES = 'portal_messages';

type MatterRefView = { id: string; number: string | null; title: string | null };
export interface ThreadView {
  id: string;
  matter: MatterRefView;
  subject: string;
  createdBy: string;
  createdByName: string | null;
  createdAt: number;
  lastMessageAt: number;
  unread: number;
}
export interface MessageView {
  id: string;
  threadId: string;
  body: string;
  authorId: string;
  authorName: string | null;
  authorKind: 'client' | 'staff';
  createdAt: number;
  attachments: { id: string; name: string | null; size: number | null }[];
  readBy: { userId: string; name: string | null; readAt: number }[];
}

/**
 * Which side a route serves: the firm's (message.read / message.write, a seat on the matter) or
 * the client's (portal.read / portal.write, decided through the portal's reach). Chosen by the
 * route, never by who asks: a contact on a staff route is refused like anyone without a seat.
 */
export type Side = 'staff' | 'portal';
const readPermission = (side: Side) => (side === 'portal' ? 'portal.read' : 'message.read');
const writePermission = (side: Side) => (side === 'portal' ? 'portal.write' : 'message.write');

async function threadViews(ctx: RequestContext, auth: ClientAuth | MatterAuth | ObjectAuth, rows: PortalThreadsTable[]): Promise<ThreadView[]> {
  const sealers = sealerCache(ctx, auth);
  const labels = await describeTargets(ctx, { userIds: rows.map((r) => r.created_by), matterIds: rows.map((r) => r.matter_id) });
  const unread = await countUnreadOfThreads(ctx, auth, rows.map((r) => r.id), actorIdOf(ctx));
  const views: ThreadView[] = [];
  for (const row of rows) {
    views.push({
      id: row.id,
      matter: matterRef(labels, row.matter_id),
      subject: (await sealers(row.key_version)).open(THREADS, row.id, 'subject', row.subject_sealed),
      createdBy: row.created_by,
      createdByName: nameOf(labels, row.created_by),
      createdAt: Number(row.created_at),
      lastMessageAt: Number(row.last_message_at),
      unread: unread.get(row.id) ?? 0,
    });
  }
  return views;
}

/** Threads of a matter (staff: message.read on the matter). Audited as one list read. Throws ACCESS_DENIED. */
export async function findMatterThreads(ctx: RequestContext, matterId: MatterId): Promise<ThreadView[]> {
  const auth = await requireAccess(ctx, 'message.read', { kind: 'matter', matterId });
  return threadViews(ctx, auth, await findThreadRowsOfMatter(ctx, auth));
}

/** The contact's threads, on all their matters. portal.read. Throws ACCESS_DENIED. */
export async function findPortalThreads(ctx: RequestContext): Promise<ThreadView[]> {
  const { auth, matterIds } = await requireContact(ctx, 'portal.read');
  return threadViews(ctx, auth, await findThreadRowsOfMatters(ctx, auth, matterIds));
}

/**
 * Checks each attachment: a live document of the thread's matter the writer may attach — staff:
 * one they may read (document.read); a contact: one they uploaded. Throws VALIDATION_FAILED naming
 * the attachment, ACCESS_DENIED.
 */
async function checkedAttachments(ctx: RequestContext, side: Side, matterId: string, ids: string[], path: string): Promise<string[]> {
  for (const [index, id] of ids.entries()) {
    const client = side === 'portal';
    if (client && (await unsafeUploadedBy(ctx, id)) !== actorIdOf(ctx)) throw new AppError('VALIDATION_FAILED', 'Attach files you uploaded here', [{ path: `${path}.${index}`, message: 'is not a file you uploaded' }]);
    const document = await getDocumentById(ctx, id as DocumentId, client ? 'portal.read' : 'document.read');
    if (document.matterId !== matterId || document.trashedAt !== null) throw new AppError('VALIDATION_FAILED', "An attachment must be a live document of this thread's matter", [{ path: `${path}.${index}`, message: "is not a live document of this thread's matter" }]);
  }
  return ids;
}

/** Starts a thread on a matter with its first message. message.write (staff) or portal.write (the contact). Throws ACCESS_DENIED, VALIDATION_FAILED, KEY_DESTROYED, SEALED. */
export async function startThread(ctx: RequestContext, side: Side, matterId: MatterId, input: { subject: string; body: string; attachmentIds?: string[] }): Promise<{ thread: ThreadView; messages: MessageView[]; can: { reply: boolean } }> {
  const result = await inTransaction(ctx, async (tx) => {
    const auth = await requireAccess(tx, writePermission(side), { kind: 'matter', matterId });
    const attachments = await checkedAttachments(tx, side, matterId, input.attachmentIds ?? [], 'body.attachmentIds');
    const sealer = await sealerForWrite(tx, auth);
    const now = tx.app.clock.now();
    const id = newId(now);
    const thread: PortalThreadsTable = { id, client_id: auth.clientId!, matter_id: matterId, key_version: sealer.version, subject_sealed: sealer.seal(THREADS, id, 'subject', input.subject), created_by: actorIdOf(tx), created_at: now, last_message_at: now };
    await insertThreadRow(tx, auth, thread);
    const message = messageRow(tx, side, thread, sealer, input.body, now);
    await insertMessageRow(tx, auth, message, attachments);
    await recordEvent(tx, { action: 'message.send', outcome: 'allowed', reason: `${attachments.length}a`, resources: { clientId: thread.client_id, matterId, other: { type: 'portal_thread', id } } });
    return { thread, message, auth };
  });
  await notify(ctx, result.auth, result.thread, result.message);
  return openThread(ctx, side, result.thread.id);
}

function messageRow(ctx: RequestContext, side: Side, thread: PortalThreadsTable, sealer: { version: number; seal: (t: string, r: string, f: string, v: string) => string }, body: string, now: number): PortalMessagesTable {
  const id = newId(now);
  return { id, thread_id: thread.id, client_id: thread.client_id, matter_id: thread.matter_id, key_version: sealer.version, body_sealed: sealer.seal(MESSAGES, id, 'body', body), author_id: actorIdOf(ctx), author_kind: side === 'portal' ? 'client' : 'staff', created_at: now };
}

/** Replies on a thread. message.write or portal.write on it. Throws ACCESS_DENIED, VALIDATION_FAILED, KEY_DESTROYED, SEALED. */
export async function postMessage(ctx: RequestContext, side: Side, threadId: string, input: { body: string; attachmentIds?: string[] }): Promise<{ thread: ThreadView; messages: MessageView[]; can: { reply: boolean } }> {
  const result = await inTransaction(ctx, async (tx) => {
    const auth = await requireAccess(tx, writePermission(side), { kind: 'object', type: 'portal_thread', id: threadId });
    const thread = await getThreadRow(tx, auth);
    const attachments = await checkedAttachments(tx, side, thread.matter_id, input.attachmentIds ?? [], 'body.attachmentIds');
    const sealer = await sealerForWrite(tx, auth);
    // A thread's messages keep their order even within one millisecond: a reply is later than the last message.
    const message = messageRow(tx, side, thread, sealer, input.body, Math.max(tx.app.clock.now(), Number(thread.last_message_at) + 1));
    await insertMessageRow(tx, auth, message, attachments);
    await recordEvent(tx, { action: 'message.send', outcome: 'allowed', reason: `${attachments.length}a`, resources: { clientId: thread.client_id, matterId: thread.matter_id, other: { type: 'portal_thread', id: thread.id } } });
    return { thread, message, auth };
  });
  await notify(ctx, result.auth, result.thread, result.message);
  return openThread(ctx, side, threadId);
}

/** One thread with its messages; opening it records the viewer's read receipts. message.read or portal.read. Throws ACCESS_DENIED, KEY_DESTROYED, SEALED. */
export async function openThread(ctx: RequestContext, side: Side, threadId: string): Promise<{ thread: ThreadView; messages: MessageView[]; can: { reply: boolean } }> {
  const auth = await requireAccess(ctx, readPermission(side), { kind: 'object', type: 'portal_thread', id: threadId });
  const thread = await getThreadRow(ctx, auth);
  const { messages, documents, reads } = await findMessageRowsOfThread(ctx, auth, threadId);
  const me = actorIdOf(ctx);
  const now = ctx.app.clock.now();
  const fresh = messages.filter((m) => m.author_id !== me && !reads.some((r) => r.message_id === m.id && r.user_id === me)).map((m) => ({ message_id: m.id, user_id: me, read_at: now }));
  await insertReadRows(ctx, auth, fresh);
  const allReads = [...reads, ...fresh];
  const sealers = sealerCache(ctx, auth);
  const docIds = [...new Set(documents.map((d) => d.document_id))];
  const summaries = new Map((await documentSummariesOfClient(ctx, auth, docIds)).map((d) => [d.id, d]));
  const labels = await describeTargets(ctx, { userIds: [...messages.map((m) => m.author_id), ...allReads.map((r) => r.user_id)] });
  const views: MessageView[] = [];
  for (const m of messages) {
    views.push({
      id: m.id,
      threadId: m.thread_id,
      body: (await sealers(m.key_version)).open(MESSAGES, m.id, 'body', m.body_sealed),
      authorId: m.author_id,
      authorName: nameOf(labels, m.author_id),
      authorKind: m.author_kind,
      createdAt: Number(m.created_at),
      attachments: documents.filter((d) => d.message_id === m.id).map((d) => ({ id: d.document_id, name: summaries.get(d.document_id)?.name ?? null, size: summaries.get(d.document_id)?.size ?? null })),
      readBy: allReads.filter((r) => r.message_id === m.id && r.user_id !== m.author_id).map((r) => ({ userId: r.user_id, name: nameOf(labels, r.user_id), readAt: Number(r.read_at) })),
    });
  }
  await recordEvent(ctx, { action: 'message.read', outcome: 'allowed', reason: `${messages.length}m`, resources: { clientId: thread.client_id, matterId: thread.matter_id, other: { type: 'portal_thread', id: thread.id } } });
  const [view] = await threadViews(ctx, auth, [thread]);
  const reply = await canAccess(ctx, writePermission(side), { kind: 'object', type: 'portal_thread', id: threadId });
  return { thread: view!, messages: views, can: { reply } };
}

/**
 * Tells the other side there is a new message: a contact writes → the matter's current team;
 * staff write → the contacts who reach the matter. The mail carries no content, no names of the
 * matter, only a link to sign in. Failures are logged, never undo the message.
 */
async function notify(ctx: RequestContext, auth: MatterAuth | ObjectAuth, thread: PortalThreadsTable, message: PortalMessagesTable): Promise<void> {
  try {
    const base = ctx.app.config.publicUrl;
    let recipients: string[];
    let text: string;
    if (message.author_kind === 'client') {
      const report = await couldAccessNow(ctx, auth);
      recipients = report.people.filter((p) => p.periods.some((period) => period.basis === 'team' && period.matterId === thread.matter_id)).map((p) => p.userId);
      text = `A client sent a new message on one of your matters. Sign in to read it:\n\n${base}/matters/${thread.matter_id}/messages\n`;
    } else {
      recipients = (await findContactRowsReaching(ctx, auth, thread.matter_id)).map((c) => c.user_id);
      text = `You have a new message from your lawyers in your secure client portal. Sign in to read it:\n\n${base}/portal/messages\n`;
    }
    const users = (await describeTargets(ctx, { userIds: recipients.filter((id) => id !== message.author_id) })).users.values();
    for (const user of users) await ctx.app.mailer.send({ to: user.email, subject: 'You have a new message', text: `Hello ${user.name},\n\n${text}` });
  } catch (error) {
    ctx.app.logger.warn({ err: error instanceof Error ? error.name : 'unknown' }, 'message notification not sent');
  }
}

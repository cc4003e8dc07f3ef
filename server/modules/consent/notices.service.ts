/**
 * Data-handling notices: what the firm tells a client about their data before they consent
 * (collected, why, who sees it, protection, retention, rights). The compliance officer writes
 * drafts and publishes them; a published version is frozen and named by the SHA-256 of its
 * canonical content, which every consent recorded against it keeps.
 */
import { createHash } from 'node:crypto';
import { auditedRefusal, describeTargets, requireAccess } from '../../access/index.js';
import { recordEvent } from '../../audit/index.js';
import { inTransaction, type RequestContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { presentNotice, type NoticeContent, type NoticeView } from './consent.presenter.js';
import { findCurrentNoticeRow, findNoticeRow, findNoticeRows, insertNoticeRow, nextNoticeVersion, updateDraftNoticeRow } from './consent.repository.js';
import type { ConsentNoticesTable } from './consent.tables.js';

const FIRM = { kind: 'firm' } as const;
const actorOf = (ctx: RequestContext) => (ctx.actor.kind === 'user' ? ctx.actor.userId : ctx.actor.kind === 'system' ? ctx.actor.name : 'anonymous');

/** The canonical bytes a published notice is hashed over: fixed key order, no whitespace, UTF-8. */
export function canonicalNotice(version: number, title: string, content: NoticeContent): string {
  const { collected, purposes, recipients, protection, retention, rights } = content;
  return JSON.stringify({ format: 'confidant/notice/v1', version, title, content: { collected, purposes, recipients, protection, retention, rights } });
}

export function noticeSha256(version: number, title: string, content: NoticeContent): string {
  return createHash('sha256').update(canonicalNotice(version, title, content), 'utf8').digest('hex');
}

async function views(ctx: RequestContext, rows: ConsentNoticesTable[]): Promise<NoticeView[]> {
  const labels = await describeTargets(ctx, { userIds: rows.flatMap((r) => [r.created_by, r.published_by]) });
  return rows.map((row) => presentNotice(row, labels));
}

/** A new draft (the next version number). notice.manage. Throws ACCESS_DENIED. */
export async function createNotice(ctx: RequestContext, input: { title: string; content: NoticeContent }): Promise<NoticeView> {
  return inTransaction(ctx, async (tx) => {
    const auth = await requireAccess(tx, 'notice.manage', FIRM);
    const now = tx.app.clock.now();
    const row: ConsentNoticesTable = { id: newId(now), version: await nextNoticeVersion(tx), title: input.title, content: JSON.stringify(input.content), status: 'draft', sha256: null, created_by: actorOf(tx), created_at: now, updated_at: now, published_by: null, published_at: null };
    await insertNoticeRow(tx, auth, row);
    await recordEvent(tx, { action: 'notice.create', outcome: 'allowed', resources: { other: { type: 'notice', id: row.id } } });
    return (await views(tx, [row]))[0]!;
  });
}

async function draftOf(ctx: RequestContext, noticeId: string, action: string): Promise<ConsentNoticesTable> {
  const row = await findNoticeRow(ctx, noticeId);
  if (!row) throw new AppError('NOTICE_NOT_FOUND');
  if (row.status !== 'draft') throw await auditedRefusal(ctx, new AppError('NOTICE_PUBLISHED', 'A published notice cannot change; write a new version'), { action, reason: 'PUBLISHED', resources: { other: { type: 'notice', id: noticeId } } });
  return row;
}

/** Edits a draft. notice.manage. Throws ACCESS_DENIED, NOTICE_NOT_FOUND, NOTICE_PUBLISHED (audited). */
export async function updateNotice(ctx: RequestContext, noticeId: string, input: { title: string; content: NoticeContent }): Promise<NoticeView> {
  return inTransaction(ctx, async (tx) => {
    const auth = await requireAccess(tx, 'notice.manage', FIRM, { other: { type: 'notice', id: noticeId } });
    const row = await draftOf(tx, noticeId, 'notice.update');
    const next = { ...row, title: input.title, content: JSON.stringify(input.content), updated_at: tx.app.clock.now() };
    if (!(await updateDraftNoticeRow(tx, auth, noticeId, { title: next.title, content: next.content, updated_at: next.updated_at }))) throw new AppError('NOTICE_PUBLISHED');
    await recordEvent(tx, { action: 'notice.update', outcome: 'allowed', resources: { other: { type: 'notice', id: noticeId } } });
    return (await views(tx, [next]))[0]!;
  });
}

/** Publishes a draft: frozen from now on, named by its SHA-256. notice.manage. Throws ACCESS_DENIED, NOTICE_NOT_FOUND, NOTICE_PUBLISHED. */
export async function publishNotice(ctx: RequestContext, noticeId: string): Promise<NoticeView> {
  return inTransaction(ctx, async (tx) => {
    const auth = await requireAccess(tx, 'notice.manage', FIRM, { other: { type: 'notice', id: noticeId } });
    const row = await draftOf(tx, noticeId, 'notice.publish');
    const now = tx.app.clock.now();
    const sha256 = noticeSha256(row.version, row.title, JSON.parse(row.content) as NoticeContent);
    const patch = { status: 'published' as const, sha256, published_by: actorOf(tx), published_at: now, updated_at: now };
    if (!(await updateDraftNoticeRow(tx, auth, noticeId, patch))) throw new AppError('NOTICE_PUBLISHED');
    // The hash is public (it names a firm text), so the event may carry it.
    await recordEvent(tx, { action: 'notice.publish', outcome: 'allowed', reason: `SHA256:${sha256.slice(0, 16)}`, resources: { other: { type: 'notice', id: noticeId } } });
    return (await views(tx, [{ ...row, ...patch }]))[0]!;
  });
}

/** Every version, newest first. notice.read (any staff). Throws ACCESS_DENIED. */
export async function findNotices(ctx: RequestContext): Promise<NoticeView[]> {
  const auth = await requireAccess(ctx, 'notice.read', FIRM);
  return views(ctx, await findNoticeRows(ctx, auth));
}

/** One version. notice.read. Throws ACCESS_DENIED, NOTICE_NOT_FOUND. */
export async function getNoticeById(ctx: RequestContext, noticeId: string): Promise<NoticeView> {
  await requireAccess(ctx, 'notice.read', FIRM, { other: { type: 'notice', id: noticeId } });
  const row = await findNoticeRow(ctx, noticeId);
  if (!row) throw new AppError('NOTICE_NOT_FOUND');
  return (await views(ctx, [row]))[0]!;
}

/**
 * The notice in force: the newest published version, or null when none was published (firm text,
 * shown to a client's portal contact before they decide on consents; no client data).
 */
export async function currentNotice(ctx: RequestContext): Promise<NoticeView | null> {
  const row = await findCurrentNoticeRow(ctx);
  return row ? (await views(ctx, [row]))[0]! : null;
}

/** A published notice a consent names (its id and hash), or a 400 naming `field`. */
export async function publishedNoticeFor(ctx: RequestContext, noticeId: string, field: string): Promise<ConsentNoticesTable & { sha256: string }> {
  const row = await findNoticeRow(ctx, noticeId);
  if (!row || row.status !== 'published' || !row.sha256) throw new AppError('VALIDATION_FAILED', 'The notice must be a published version', [{ path: field, message: 'is not a published notice' }]);
  return row as ConsentNoticesTable & { sha256: string };
}

/**
 * The recipient's side of a secure-link disclosure. The recipient has no account: the link's
 * token (in the URL fragment, sent in request bodies and headers, stored only as its SHA-256) is
 * their only authorization, and nothing is released until they prove their e-mail address with a
 * one-time code sent there by SMTP. Every use checks, again: the disclosure not revoked, its
 * consent neither withdrawn nor expired, the share not expired, locked or past its download limit.
 * Codes: six digits, HMAC-stored under a firm key, ten minutes, single use (a replay finds it
 * gone), five wrong guesses burn a code, ten lock the share; at most three codes per quarter hour.
 * Every step is audited with the recipient (`share:<id>`) as the actor; ids only, never the
 * address or names.
 */
import { createHash, createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { Readable } from 'node:stream';
import type { DocumentId } from '../../../common/ids.js';
import { auditedRefusal } from '../../access/index.js';
import { recordEvent, type AuditResources } from '../../audit/index.js';
import type { RequestContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { userDirectory } from '../identity/index.js';
import { firmSecretKey } from '../keys/index.js';
import { openDocumentContent } from '../vault/index.js';
import { consentState, openDisclosureRecipient, RELEASED_TABLE } from './consent.presenter.js';
import { consumeShareCode, takeShareDownload, unsafeFindShareByTokenHash, unsafeGetConsentOfShare, unsafeGetDisclosureOfShare, unsafeReleasedItemsOfShare, updateShareRow } from './consent.repository.js';
import { unsafeSealerCache } from './consent.sealing.js';
import type { ConsentDisclosuresTable, ConsentSharesTable } from './consent.tables.js';

export const CODE_LIFETIME_MS = 10 * 60_000;
export const SESSION_LIFETIME_MS = 60 * 60_000;
export const MAX_CODE_ATTEMPTS = 5;
export const MAX_FAILED_ATTEMPTS = 10;
export const MAX_CODES_PER_WINDOW = 3;
export const CODE_WINDOW_MS = 15 * 60_000;

/** Link tokens and sessions are 256-bit random values: a plain SHA-256 is enough to store them. */
export function hashShareSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Codes are short: keyed with a firm secret, so a copy of the database does not let anyone try them offline. */
async function codeHash(ctx: RequestContext, shareId: string, code: string): Promise<string> {
  return createHmac('sha256', await firmSecretKey(ctx, 'consent-share-codes')).update(`${shareId}:${code}`, 'utf8').digest('hex');
}

function maskEmail(email: string): string {
  const [local = '', domain = ''] = email.split('@');
  return `${local.slice(0, 1)}***@${domain}`;
}

/** The recipient as an audited actor: they have no account, the share names them. */
function recipientContext(ctx: RequestContext, share: ConsentSharesTable): RequestContext {
  return { ...ctx, actor: { kind: 'system', name: `share:${share.id}` } };
}

interface LiveShare {
  share: ConsentSharesTable;
  disclosure: ConsentDisclosuresTable;
  recipient: RequestContext;
  resources: AuditResources;
}

/**
 * The share a token names, checked for every way it can have ended; each refusal audited (an
 * unknown token without ids: there are none to give). Throws SHARE_NOT_FOUND, SHARE_ENDED.
 */
async function liveShare(ctx: RequestContext, token: string, action: string): Promise<LiveShare> {
  const share = await unsafeFindShareByTokenHash(ctx, hashShareSecret(token));
  if (!share) throw await auditedRefusal(ctx, new AppError('SHARE_NOT_FOUND', 'This link is not valid'), { action, reason: 'UNKNOWN_TOKEN' });
  const disclosure = await unsafeGetDisclosureOfShare(ctx, share);
  const recipient = recipientContext(ctx, share);
  const resources: AuditResources = { clientId: disclosure.client_id, matterId: disclosure.matter_id, other: { type: 'share', id: share.id } };
  const now = ctx.app.clock.now();
  const ended = async (reason: string, message: string) => auditedRefusal(recipient, new AppError('SHARE_ENDED', message), { action, reason, resources });
  if (disclosure.status === 'revoked') throw await ended('REVOKED', 'This share was revoked by the firm');
  if (disclosure.status !== 'executed') throw await ended('CONSENT_WITHDRAWN', 'This share has ended');
  if (disclosure.consent_id) {
    const consent = await unsafeGetConsentOfShare(ctx, disclosure);
    const state = consent ? consentState(consent, now) : 'withdrawn';
    if (state === 'withdrawn') throw await ended('CONSENT_WITHDRAWN', 'This share has ended: the consent it was made under was withdrawn');
    if (state !== 'active') throw await ended('CONSENT_EXPIRED', 'This share has ended: the consent it was made under is no longer valid');
  }
  if (Number(share.expires_at) <= now) throw await ended('EXPIRED', 'This share has expired');
  if (share.locked_at !== null) throw await ended('LOCKED', 'This share is locked after too many wrong codes; ask the firm for a new one');
  return { share, disclosure, recipient, resources };
}

/** What the recipient sees before proving anything: who shares, how many items, until when; never names or content. Throws SHARE_NOT_FOUND, SHARE_ENDED. */
export async function openShare(ctx: RequestContext, token: string): Promise<{ firm: string; itemCount: number; expiresAt: number; downloadsLeft: number; sentTo: string }> {
  const { share, disclosure, recipient, resources } = await liveShare(ctx, token, 'share.open');
  const sealers = unsafeSealerCache(ctx);
  const email = openDisclosureRecipient(disclosure, await sealers(disclosure.client_id, disclosure.key_version)).email;
  await recordEvent(recipient, { action: 'share.open', outcome: 'allowed', resources });
  return { firm: new URL(ctx.app.config.publicUrl).host, itemCount: (JSON.parse(disclosure.items) as unknown[]).length, expiresAt: Number(share.expires_at), downloadsLeft: Math.max(0, Number(share.max_downloads) - Number(share.downloads)), sentTo: maskEmail(email) };
}

/** Sends a one-time code to the recipient's address (at most three per quarter hour). Throws SHARE_NOT_FOUND, SHARE_ENDED, RATE_LIMITED. */
export async function sendShareCode(ctx: RequestContext, token: string): Promise<{ sentTo: string; expiresAt: number }> {
  const { share, disclosure, recipient, resources } = await liveShare(ctx, token, 'share.code');
  const now = ctx.app.clock.now();
  const windowOpen = now - Number(share.codes_window_start) < CODE_WINDOW_MS;
  const sent = windowOpen ? Number(share.codes_sent) : 0;
  if (sent >= MAX_CODES_PER_WINDOW) throw await auditedRefusal(recipient, new AppError('RATE_LIMITED', 'Too many codes asked for; wait a quarter of an hour'), { action: 'share.code', reason: 'THROTTLED', resources });
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const expiresAt = now + CODE_LIFETIME_MS;
  await updateShareRow(ctx, share, { code_hash: await codeHash(ctx, share.id, code), code_expires_at: expiresAt, code_attempts: 0, codes_sent: sent + 1, codes_window_start: windowOpen ? Number(share.codes_window_start) : now });
  await recordEvent(recipient, { action: 'share.code', outcome: 'allowed', resources });
  const email = openDisclosureRecipient(disclosure, await unsafeSealerCache(ctx)(disclosure.client_id, disclosure.key_version)).email;
  // Sent before answering, so a mail failure is the recipient's error to see; the code is the whole message.
  await ctx.app.mailer.send({ to: email, subject: 'Your verification code', text: `Your one-time code is ${code}.\nIt works once, for ten minutes. If you did not ask for it, ignore this message.` });
  return { sentTo: maskEmail(email), expiresAt };
}

/**
 * Checks the code and opens a session for the downloads (one hour, never past the share's end).
 * Throws SHARE_NOT_FOUND, SHARE_ENDED, SHARE_CODE_INVALID (wrong, expired, replayed; counted).
 */
export async function verifyShareCode(ctx: RequestContext, token: string, code: string): Promise<{ session: string; expiresAt: number }> {
  const { share, recipient, resources } = await liveShare(ctx, token, 'share.verify');
  const now = ctx.app.clock.now();
  const invalid = async (reason: string) => auditedRefusal(recipient, new AppError('SHARE_CODE_INVALID', 'That code is not valid; ask for a new one if it expired'), { action: 'share.verify', reason, resources });
  if (!share.code_hash || share.code_expires_at === null) throw await invalid('NO_CODE');
  if (Number(share.code_expires_at) <= now) throw await invalid('CODE_EXPIRED');
  const expected = Buffer.from(share.code_hash, 'hex');
  const given = Buffer.from(await codeHash(ctx, share.id, code), 'hex');
  if (!timingSafeEqual(expected, given)) {
    const attempts = Number(share.code_attempts) + 1;
    const failed = Number(share.failed_attempts) + 1;
    // Written outside any transaction: the count survives the refusal.
    await updateShareRow(ctx, share, { code_attempts: attempts, failed_attempts: failed, ...(attempts >= MAX_CODE_ATTEMPTS ? { code_hash: null, code_expires_at: null } : {}), ...(failed >= MAX_FAILED_ATTEMPTS ? { locked_at: now } : {}) });
    throw await invalid(failed >= MAX_FAILED_ATTEMPTS ? 'WRONG_CODE_LOCKED' : 'WRONG_CODE');
  }
  const session = randomBytes(32).toString('base64url');
  const expiresAt = Math.min(now + SESSION_LIFETIME_MS, Number(share.expires_at));
  // Single use: only while the code is still the stored one (a replay, or a racing second use, finds it gone).
  if (!(await consumeShareCode(ctx, share, share.code_hash, { session_hash: hashShareSecret(session), session_expires_at: expiresAt }))) throw await invalid('CODE_REPLAYED');
  await recordEvent(recipient, { action: 'share.verify', outcome: 'allowed', resources });
  return { session, expiresAt };
}

async function verifiedShare(ctx: RequestContext, token: string, session: string, action: string): Promise<LiveShare> {
  const live = await liveShare(ctx, token, action);
  const now = ctx.app.clock.now();
  const ok = live.share.session_hash !== null && live.share.session_expires_at !== null && Number(live.share.session_expires_at) > now && timingSafeEqual(Buffer.from(live.share.session_hash, 'hex'), Buffer.from(hashShareSecret(session), 'hex'));
  if (!ok) throw await auditedRefusal(live.recipient, new AppError('SHARE_VERIFICATION_REQUIRED', 'Prove your e-mail address with a one-time code first'), { action, reason: 'NOT_VERIFIED', resources: live.resources });
  return live;
}

/** The released items (names, sizes, SHA-256) once verified. Throws SHARE_NOT_FOUND, SHARE_ENDED, SHARE_VERIFICATION_REQUIRED. */
export async function listShareItems(ctx: RequestContext, token: string, session: string): Promise<{ items: { id: string; name: string; size: number; contentType: string; sha256: string }[]; downloadsLeft: number }> {
  const { share, recipient, resources } = await verifiedShare(ctx, token, session, 'share.items');
  const released = await unsafeReleasedItemsOfShare(ctx, share);
  const sealers = unsafeSealerCache(ctx);
  const disclosure = await unsafeGetDisclosureOfShare(ctx, share);
  const items = [];
  for (const r of released) items.push({ id: r.id, name: (await sealers(disclosure.client_id, r.key_version)).open(RELEASED_TABLE, r.id, 'name', r.name_sealed), size: Number(r.size), contentType: r.content_type, sha256: r.sha256 });
  await recordEvent(recipient, { action: 'share.items', outcome: 'allowed', resources });
  return { items, downloadsLeft: Math.max(0, Number(share.max_downloads) - Number(share.downloads)) };
}

/**
 * Streams one released item: the document version pinned at execution (decrypted by the vault,
 * audited as read by the recipient) or the note text snapshotted then. Counts against the limit
 * before any byte. Throws SHARE_NOT_FOUND, SHARE_ENDED, SHARE_VERIFICATION_REQUIRED,
 * SHARE_DOWNLOAD_LIMIT, NOT_FOUND (no such item in this share), INTEGRITY_ERROR.
 */
export async function downloadShareItem(ctx: RequestContext, token: string, session: string, itemId: string): Promise<{ name: string; contentType: string; size: number; sha256: string; stream: Readable }> {
  const { share, disclosure, recipient, resources } = await verifiedShare(ctx, token, session, 'share.download');
  const item = (await unsafeReleasedItemsOfShare(ctx, share)).find((r) => r.id === itemId);
  if (!item) throw await auditedRefusal(recipient, new AppError('NOT_FOUND', 'No such item in this share'), { action: 'share.download', reason: 'NO_SUCH_ITEM', resources });
  if (!(await takeShareDownload(ctx, share))) throw await auditedRefusal(recipient, new AppError('SHARE_DOWNLOAD_LIMIT', 'This share has reached its download limit'), { action: 'share.download', reason: 'DOWNLOAD_LIMIT', resources });
  const sealer = await unsafeSealerCache(ctx)(disclosure.client_id, item.key_version);
  const name = sealer.open(RELEASED_TABLE, item.id, 'name', item.name_sealed);
  await recordEvent(recipient, { action: 'share.download', outcome: 'allowed', reason: `SHA256:${item.sha256.slice(0, 32)}`, resources: { ...resources, ...(item.item_type === 'document' ? { documentId: item.item_id } : {}) } });
  if (item.item_type === 'note') {
    const bytes = Buffer.from(sealer.open(RELEASED_TABLE, item.id, 'content', item.content_sealed ?? ''), 'utf8');
    return { name, contentType: item.content_type, size: bytes.length, sha256: item.sha256, stream: Readable.from([bytes]) };
  }
  // The vault decrypts the pinned version; its own decision (system basis, this recipient as actor) is audited too.
  const content = await openDocumentContent(recipient, item.item_id as DocumentId, { version: Number(item.version) });
  return { name, contentType: content.contentType, size: content.size, sha256: item.sha256, stream: content.stream };
}

/** Mails the share link to the recipient (best effort; the executor also has it once). */
export function sendShareLink(ctx: RequestContext, email: string, link: string): void {
  const text = [`A law firm has shared documents with you through Confidant.`, `Open this link: ${link}`, 'You will be asked for a one-time code, sent to this address.'].join('\n');
  void ctx.app.mailer.send({ to: email, subject: 'Documents shared with you', text }).catch(() => ctx.app.logger.warn({ event: 'share.link_mail_failed' }, 'share link mail failed'));
}

/** Tells the compliance officers an exception waits for approval (ids only; best effort). */
export function notifyApprovers(ctx: RequestContext, disclosureId: string): void {
  const send = async () => {
    const officers = (await userDirectory.unsafeListAllUsers(ctx)).filter((u) => u.role === 'compliance_officer' && u.status === 'active');
    for (const officer of officers) await ctx.app.mailer.send({ to: officer.email, subject: '[Confidant] A disclosure waits for approval', text: `Disclosure ${disclosureId}, under a legal exception, waits for a second person's approval.\nReview it in Confidant: Disclosures.` });
  };
  void send().catch(() => ctx.app.logger.warn({ event: 'disclosure.notify_failed' }, 'approval notification failed'));
}

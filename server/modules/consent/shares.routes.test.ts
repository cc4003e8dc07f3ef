/**
 * Delivery from the recipient's side (issue 15, points 4 and 9): a real SMTP peer receives the
 * one-time code; nothing is released before it; every way a share ends is refused and audited —
 * revocation, withdrawal of the consent, expiry, the download limit, wrong, expired and replayed
 * codes (throttled, then locked), guessed and tampered tokens.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ManualClock } from '../../platform/clock.js';
import { DIALECTS } from '../../test-support/dialects.js';
import { buildDisclosure, buildUser, type BuiltDisclosure, type BuiltUser } from '../../test-support/factories.js';
import { startMailCatcher, type CaughtMail, type MailCatcher } from '../../test-support/mail-catcher.js';
import { createTestInstance, type TestInstance } from '../../test-support/test-instance.js';

type Mail = CaughtMail;

interface EventRow {
  action: string;
  outcome: string;
  reason: string | null;
  actor_type: string;
  actor_id: string | null;
  document_id: string | null;
  other_type: string | null;
  other_id: string | null;
}

describe.each(DIALECTS)('disclosure shares on %s', (dialect) => {
  let instance: TestInstance;
  let smtp: MailCatcher;
  let compliance: BuiltUser;

  beforeAll(async () => {
    smtp = await startMailCatcher();
    instance = await createTestInstance(dialect, { env: { SMTP_URL: smtp.url, PUBLIC_URL: 'https://confidant.firm.example' } });
    compliance = await buildUser(instance, { role: 'compliance_officer' });
  });
  afterAll(async () => {
    await instance?.close();
    await smtp?.close();
  });
  beforeEach(() => {
    smtp.mails.length = 0;
  });

  const api = (method: 'GET' | 'POST', url: string, options: { user?: BuiltUser; payload?: unknown; headers?: Record<string, string> } = {}) =>
    instance.app.inject({ method, url: `/api/v1${url}`, headers: { ...(options.user?.headers ?? {}), ...(options.headers ?? {}) }, ...(options.payload !== undefined ? { payload: options.payload as string } : {}) });

  const events = async (action: string, otherId?: string): Promise<EventRow[]> => {
    let query = instance.services.database.db.selectFrom('audit_event').select(['action', 'outcome', 'reason', 'actor_type', 'actor_id', 'document_id', 'other_type', 'other_id']).where('action', '=', action);
    if (otherId) query = query.where('other_id', '=', otherId);
    return (await query.orderBy('seq').execute()) as EventRow[];
  };

  const waitForMail = async (to: string, containing: string): Promise<Mail> => {
    for (let i = 0; i < 100; i += 1) {
      const mail = smtp.mails.find((m) => m.to.includes(to) && m.raw.includes(containing));
      if (mail) return mail;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`no mail to ${to}`);
  };

  /** An executed secure-link disclosure: its link's token and the share id. */
  async function executed(options: { execute?: Record<string, unknown>; disclosure?: Parameters<typeof buildDisclosure>[1] } = {}): Promise<{ disclosure: BuiltDisclosure; token: string; shareId: string; body: Record<string, unknown> }> {
    const disclosure = await buildDisclosure(instance, options.disclosure);
    const response = await api('POST', `/disclosures/${disclosure.id}/execute`, { user: disclosure.by, payload: options.execute ?? {} });
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json() as Record<string, unknown>;
    const link = body.link as string;
    expect(link).toMatch(/^https:\/\/confidant\.firm\.example\/share#[A-Za-z0-9_-]{43}$/);
    const token = link.split('#')[1]!;
    const opened = await api('POST', '/shares/open', { payload: { token } });
    expect(opened.statusCode, opened.body).toBe(200);
    const shareId = (await events('share.open')).at(-1)!.other_id!;
    return { disclosure, token, shareId, body };
  }

  async function codeFor(token: string): Promise<string> {
    smtp.mails.length = 0;
    const sent = await api('POST', '/shares/code', { payload: { token } });
    expect(sent.statusCode, sent.body).toBe(200);
    const mail = await waitForMail('counsel@opposing.example', 'one-time code is');
    const code = /one-time code is (\d{6})/.exec(mail.raw)?.[1];
    expect(code).toBeDefined();
    return code!;
  }

  async function verified(token: string): Promise<string> {
    const verify = await api('POST', '/shares/verify', { payload: { token, code: await codeFor(token) } });
    expect(verify.statusCode, verify.body).toBe(200);
    return (verify.json() as { session: string }).session;
  }

  const shareHeaders = (token: string, session: string) => ({ 'x-share-token': token, 'x-share-session': session });

  it('releases nothing before the e-mailed code, then streams the pinned bytes with their SHA-256, audited with the recipient as actor', async () => {
    const { disclosure, token, shareId, body } = await executed();
    // The link went to the recipient by mail, and the register holds the hash of what was released.
    expect((await waitForMail('counsel@opposing.example', '/share#')).raw.replace(/=\r\n/g, '')).toContain(token);
    const content = disclosure.document!.content;
    const sha256 = createHash('sha256').update(content).digest('hex');
    expect(body.released).toEqual([{ type: 'document', id: disclosure.document!.id, version: 1, sha256, size: content.length }]);

    const notYet = await api('GET', '/shares/items', { headers: shareHeaders(token, 'x'.repeat(43)) });
    expect(notYet.statusCode).toBe(401);
    expect(notYet.json().error.code).toBe('SHARE_VERIFICATION_REQUIRED');
    expect((await events('share.items', shareId)).at(-1)).toMatchObject({ outcome: 'denied', reason: 'NOT_VERIFIED', actor_id: `share:${shareId}` });

    const session = await verified(token);
    const list = await api('GET', '/shares/items', { headers: shareHeaders(token, session) });
    expect(list.statusCode, list.body).toBe(200);
    const [item] = (list.json() as { items: { id: string; name: string; sha256: string }[] }).items;
    expect(item).toMatchObject({ name: disclosure.document!.name, sha256 });

    const download = await api('GET', `/shares/items/${item!.id}/content`, { headers: shareHeaders(token, session) });
    expect(download.statusCode).toBe(200);
    expect(download.rawPayload.equals(content)).toBe(true);
    expect(download.headers['x-content-sha256']).toBe(sha256);
    const downloads = await events('share.download', shareId);
    expect(downloads.at(-1)).toMatchObject({ outcome: 'allowed', actor_type: 'system', actor_id: `share:${shareId}`, document_id: disclosure.document!.id });
    // The vault's own decision for the bytes names the recipient too.
    const reads = (await events('document.read')).filter((e) => e.actor_id === `share:${shareId}`);
    expect(reads.length).toBeGreaterThan(0);
    // Neither the token nor the session is anywhere in the audit log.
    const all = JSON.stringify(await instance.services.database.db.selectFrom('audit_event').selectAll().execute());
    expect(all).not.toContain(token);
    expect(all).not.toContain(session);
    expect(all).not.toContain('counsel@opposing.example');
  });

  it('refuses a wrong code, a replayed code and an expired code (each audited), and throttles codes', async () => {
    const { token, shareId } = await executed();
    const code = await codeFor(token);
    const wrong = await api('POST', '/shares/verify', { payload: { token, code: code === '000000' ? '111111' : '000000' } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error.code).toBe('SHARE_CODE_INVALID');
    expect((await events('share.verify', shareId)).at(-1)).toMatchObject({ outcome: 'denied', reason: 'WRONG_CODE' });
    const right = await api('POST', '/shares/verify', { payload: { token, code } });
    expect(right.statusCode).toBe(200);
    const replay = await api('POST', '/shares/verify', { payload: { token, code } });
    expect(replay.statusCode).toBe(401);
    expect((await events('share.verify', shareId)).at(-1)).toMatchObject({ outcome: 'denied', reason: 'NO_CODE' });

    const late = await codeFor(token);
    (instance.clock as ManualClock).advance(11 * 60_000);
    const expired = await api('POST', '/shares/verify', { payload: { token, code: late } });
    expect(expired.statusCode).toBe(401);
    expect((await events('share.verify', shareId)).at(-1)).toMatchObject({ outcome: 'denied', reason: 'CODE_EXPIRED' });

    // Three codes per quarter hour (two more here after the one above), then 429, audited.
    (instance.clock as ManualClock).advance(16 * 60_000);
    for (let i = 0; i < 3; i += 1) expect((await api('POST', '/shares/code', { payload: { token } })).statusCode).toBe(200);
    const throttled = await api('POST', '/shares/code', { payload: { token } });
    expect(throttled.statusCode).toBe(429);
    expect((await events('share.code', shareId)).at(-1)).toMatchObject({ outcome: 'denied', reason: 'THROTTLED' });
  });

  it('burns a code after five wrong guesses and locks the share after ten', async () => {
    const { token, shareId } = await executed();
    const guess = async (code: string) => api('POST', '/shares/verify', { payload: { token, code } });
    let code = await codeFor(token);
    const wrongFor = (c: string) => (c === '000000' ? '111111' : '000000');
    for (let i = 0; i < 5; i += 1) expect((await guess(wrongFor(code))).statusCode).toBe(401);
    // The sixth try, even with the right code, finds the code burnt.
    expect((await guess(code)).statusCode).toBe(401);
    (instance.clock as ManualClock).advance(16 * 60_000);
    code = await codeFor(token);
    for (let i = 0; i < 5; i += 1) expect((await guess(wrongFor(code))).statusCode).toBe(401);
    expect((await events('share.verify', shareId)).filter((e) => e.reason === 'WRONG_CODE_LOCKED')).toHaveLength(1);
    const locked = await api('POST', '/shares/open', { payload: { token } });
    expect(locked.statusCode).toBe(403);
    expect(locked.json().error.code).toBe('SHARE_ENDED');
    expect((await events('share.open', shareId)).at(-1)).toMatchObject({ outcome: 'denied', reason: 'LOCKED' });
  });

  it('answers a guessed or tampered token like an unknown one, audited', async () => {
    const { token } = await executed();
    const tampered = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    for (const candidate of [tampered, 'A'.repeat(43)]) {
      const response = await api('POST', '/shares/open', { payload: { token: candidate } });
      expect(response.statusCode).toBe(404);
      expect(response.json().error.code).toBe('SHARE_NOT_FOUND');
    }
    const denied = (await events('share.open')).filter((e) => e.outcome === 'denied' && e.reason === 'UNKNOWN_TOKEN');
    expect(denied.length).toBeGreaterThanOrEqual(2);
    const malformed = await api('POST', '/shares/open', { payload: { token: 'short' } });
    expect(malformed.statusCode).toBe(400);
    expect(JSON.stringify(malformed.json().error.fields)).toContain('token');
  });

  it('stops at the download limit', async () => {
    const { token, shareId } = await executed({ execute: { downloadLimit: 1 } });
    const session = await verified(token);
    const [item] = ((await api('GET', '/shares/items', { headers: shareHeaders(token, session) })).json() as { items: { id: string }[] }).items;
    expect((await api('GET', `/shares/items/${item!.id}/content`, { headers: shareHeaders(token, session) })).statusCode).toBe(200);
    const again = await api('GET', `/shares/items/${item!.id}/content`, { headers: shareHeaders(token, session) });
    expect(again.statusCode).toBe(403);
    expect(again.json().error.code).toBe('SHARE_DOWNLOAD_LIMIT');
    expect((await events('share.download', shareId)).at(-1)).toMatchObject({ outcome: 'denied', reason: 'DOWNLOAD_LIMIT' });
  });

  it('ends the share at once when the disclosure is revoked, its consent withdrawn, or it expires', async () => {
    const revoked = await executed();
    const session = await verified(revoked.token);
    expect((await api('POST', `/disclosures/${revoked.disclosure.id}/revoke`, { user: revoked.disclosure.by })).statusCode).toBe(200);
    const afterRevoke = await api('GET', '/shares/items', { headers: shareHeaders(revoked.token, session) });
    expect(afterRevoke.statusCode).toBe(403);
    expect(afterRevoke.json().error.code).toBe('SHARE_ENDED');
    expect((await events('share.items', revoked.shareId)).at(-1)).toMatchObject({ outcome: 'denied', reason: 'REVOKED' });

    const withdrawn = await executed();
    const session2 = await verified(withdrawn.token);
    expect((await api('POST', `/consents/${withdrawn.disclosure.consent.id}/withdraw`, { user: withdrawn.disclosure.by })).statusCode).toBe(200);
    const [item] = ((await instance.services.database.db.selectFrom('consent_released_items').select('id').where('disclosure_id', '=', withdrawn.disclosure.id).execute()) as { id: string }[]);
    const afterWithdrawal = await api('GET', `/shares/items/${item!.id}/content`, { headers: shareHeaders(withdrawn.token, session2) });
    expect(afterWithdrawal.statusCode).toBe(403);
    expect((await events('share.download', withdrawn.shareId)).at(-1)).toMatchObject({ outcome: 'denied', reason: 'CONSENT_WITHDRAWN' });

    const expiring = await executed({ execute: { expiresInDays: 1 } });
    (instance.clock as ManualClock).advance(86_400_000 + 1);
    const afterExpiry = await api('POST', '/shares/open', { payload: { token: expiring.token } });
    expect(afterExpiry.statusCode).toBe(403);
    expect((await events('share.open', expiring.shareId)).at(-1)).toMatchObject({ outcome: 'denied', reason: 'EXPIRED' });
  });

  it('lets the compliance officer see the executed disclosure in the register', async () => {
    // A fresh officer: earlier tests moved the clock past the factory tokens' day.
    compliance = await buildUser(instance, { role: 'compliance_officer' });
    const { disclosure } = await executed();
    const register = await api('GET', `/disclosures?clientId=${disclosure.matter.clientId}`, { user: compliance });
    expect(register.statusCode).toBe(200);
    expect((register.json() as { items: { id: string; status: string }[] }).items).toEqual([expect.objectContaining({ id: disclosure.id, status: 'executed' })]);
  });
});

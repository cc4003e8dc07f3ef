/**
 * Alert mail that informs, not spams: a burst of alerts becomes one digest mail, sent over real
 * SMTP (an smtp-server peer on 127.0.0.1), naming people and matter numbers — never an id, a client
 * name or a matter title.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../test-support/dialects.js';
import { buildMatter, buildUser, type BuiltMatter, type BuiltUser } from '../test-support/factories.js';
import { createTestInstance, type TestInstance } from '../test-support/test-instance.js';
import { raiseAlert } from './alerts.js';
import { sendAlertDigest, stopAlertDigest } from './digest.js';
import { recordEvent } from './index.js';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

describe.each(DIALECTS)('alert digest mail on %s', (dialect) => {
  let smtp: SMTPServer;
  let refuse = false;
  const received: { to: string[]; raw: string }[] = [];
  let instance: TestInstance;
  let attorney: BuiltUser;
  let matter: BuiltMatter;
  let trigger: number;

  const waitForMail = async (count: number, ms = 5000) => {
    const until = Date.now() + ms;
    while (received.length < count && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 25));
    return received;
  };
  const alertFor = (rule: 'bulk_download' | 'repeated_denials' | 'wall_crossing', contain = false) =>
    raiseAlert(instance.services, { rule, actorId: attorney.id, severity: rule === 'bulk_download' ? 'critical' : 'warning', firstIndex: trigger, lastIndex: trigger, detail: { documents: 7, denials: 6, threshold: 5, windowMinutes: 10, action: 'matter.read' }, contain });

  beforeAll(async () => {
    smtp = new SMTPServer({
      // Plain SMTP on loopback for the test; production uses smtps:// or STARTTLS.
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          if (refuse) return callback(new Error('mailbox unavailable'));
          received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    const port = (smtp.server.address() as AddressInfo).port;
    instance = await createTestInstance(dialect, { env: { SMTP_URL: `smtp://127.0.0.1:${port}` } });
    instance.services.config.audit.complianceEmail = 'compliance@firm.example';
    instance.services.config.audit.alertDigestSeconds = 0.3;
    attorney = await buildUser(instance, { role: 'attorney', name: 'Dana Digest' });
    matter = await buildMatter(instance, { lead: attorney, title: 'Sale of Fabrikam Holdings' });
    const ctx = { ...instance.system(), actor: { kind: 'user' as const, userId: attorney.id, role: 'attorney' as const, clientId: null, sessionId: 's', tokenId: null, mfaAt: null } };
    trigger = (await recordEvent(ctx, { action: 'document.read', outcome: 'allowed', resources: { clientId: matter.clientId, matterId: matter.id, documentId: 'd-1' } })).index;
    // Whatever building the firm raised (nothing, normally) is not part of these bursts.
    await sendAlertDigest(instance.services);
  });
  beforeEach(() => {
    received.length = 0;
    refuse = false;
  });
  afterAll(async () => {
    await instance?.close();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  });

  it('sends one mail for a burst of alerts, with names and matter numbers and no ids, client names or titles', async () => {
    expect(instance.services.mailer.kind).toBe('smtp');
    await alertFor('bulk_download', true);
    await alertFor('repeated_denials');
    await alertFor('wall_crossing');
    const mails = await waitForMail(1);
    // The burst's wait is over: nothing else arrives.
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(mails).toHaveLength(1);
    const [mail] = mails;
    expect(mail!.to).toEqual(['compliance@firm.example']);
    expect(mail!.raw).toMatch(/Subject: \[Confidant\] 3 alerts, 1 critical, 1 user\(s\) contained/);
    // The body (headers carry a Message-ID of their own), quoted-printable soft breaks undone.
    const text = mail!.raw.slice(mail!.raw.search(/\r?\n\r?\n/)).replace(/=\r?\n/g, '');
    expect(text).toContain('Dana Digest');
    expect(text).toContain(`Matter ${matter.number}`);
    for (const rule of ['bulk_download', 'repeated_denials', 'wall_crossing']) expect(text).toContain(rule);
    expect(text).toContain('7 documents in 10 minutes');
    expect(text).toContain('/audit/alerts');
    expect(text).not.toMatch(UUID);
    expect(text).not.toContain('Fabrikam');
    expect(text).not.toContain(matter.client.name);
  });

  it('sends a second mail for a second burst, and nothing when nothing was raised', async () => {
    await alertFor('repeated_denials');
    expect(await waitForMail(1)).toHaveLength(1);
    expect(received[0]!.raw).toMatch(/Subject: \[Confidant\] Alert: Repeated denials/);
    expect(await sendAlertDigest(instance.services)).toBe(0);
    expect(received).toHaveLength(1);
  });

  it('keeps alerts whose mail failed for the next digest (none is lost, none is sent twice)', async () => {
    // Digests sent by hand here: no burst timer may race them.
    instance.services.config.audit.alertDigestSeconds = 600;
    stopAlertDigest(instance.services);
    refuse = true;
    await alertFor('bulk_download');
    await expect(sendAlertDigest(instance.services)).rejects.toThrow();
    refuse = false;
    await alertFor('wall_crossing');
    expect(await sendAlertDigest(instance.services)).toBe(2);
    expect(received).toHaveLength(1);
    expect(received[0]!.raw).toMatch(/Subject: \[Confidant\] 2 alerts/);
    expect(await sendAlertDigest(instance.services)).toBe(0);
  });
});

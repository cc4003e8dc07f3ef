/** Mail for real: SMTP against a real smtp-server peer on 127.0.0.1; the outbox as files. */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMailer, OutboxMailer } from './create-mailer.js';

interface Received {
  from: string | false;
  to: string[];
  user: string | undefined;
  raw: string;
}

describe('SMTP mailer', () => {
  let server: SMTPServer;
  let port: number;
  const received: Received[] = [];
  beforeAll(async () => {
    server = new SMTPServer({
      // Plain SMTP on loopback for the test; production uses smtps:// or STARTTLS.
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      authOptional: true,
      logger: false,
      onAuth(auth, _session, callback) {
        if (auth.username === 'confidant' && auth.password === 's3cret-pass') callback(null, { user: auth.username });
        else callback(new Error('Invalid username or password'));
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          received.push({
            from: session.envelope.mailFrom && session.envelope.mailFrom.address,
            to: session.envelope.rcptTo.map((r) => r.address),
            user: session.user as string | undefined,
            raw: Buffer.concat(chunks).toString('utf8'),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.server.address() as AddressInfo).port;
  });
  afterAll(async () => new Promise<void>((resolve) => server.close(() => resolve())));
  afterEach(() => {
    received.length = 0;
  });

  const mailerFor = (smtpUrl: string) => createMailer({ mail: { smtpUrl, from: 'confidant@firm.example', outboxDir: '/nonexistent' } });

  it('delivers a message with authentication, sender and recipient', async () => {
    const mailer = mailerFor(`smtp://confidant:s3cret-pass@127.0.0.1:${port}`);
    expect(mailer.kind).toBe('smtp');
    await mailer.check();
    await mailer.send({ to: 'alice@firm.example', subject: 'Your sign-in link', text: 'Open https://confidant.example/setup/abc' });
    await mailer.close?.();
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ from: 'confidant@firm.example', to: ['alice@firm.example'], user: 'confidant' });
    expect(received[0]!.raw).toContain('Subject: Your sign-in link');
    expect(received[0]!.raw).toContain('Open https://confidant.example/setup/abc');
  });

  it('fails loudly (check and send) with wrong credentials', async () => {
    const mailer = mailerFor(`smtp://confidant:wrong@127.0.0.1:${port}`);
    await expect(mailer.check()).rejects.toThrow();
    await expect(mailer.send({ to: 'bob@firm.example', subject: 'x', text: 'y' })).rejects.toThrow();
    await mailer.close?.();
    expect(received).toHaveLength(0);
  });

  it('fails the check when no server answers', async () => {
    const mailer = mailerFor('smtp://127.0.0.1:1');
    await expect(mailer.check()).rejects.toThrow();
    await mailer.close?.();
  });
});

describe('outbox mailer', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'confidant-outbox-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is what createMailer gives without SMTP_URL', () => {
    expect(createMailer({ mail: { smtpUrl: null, from: 'a@b', outboxDir: join(dir, 'x') } })).toBeInstanceOf(OutboxMailer);
  });

  it('writes each message to its own file, readable only by the owner, in a private folder', async () => {
    const outbox = join(dir, 'outbox');
    const mailer = new OutboxMailer(outbox);
    await mailer.check();
    await mailer.send({ to: 'alice@firm.example', subject: 'Welcome', text: 'Hello Alice' });
    await mailer.send({ to: 'bob@firm.example', subject: 'Welcome', text: 'Hello Bob' });
    expect(statSync(outbox).mode & 0o777).toBe(0o700);
    const files = readdirSync(outbox);
    expect(files).toHaveLength(2);
    for (const file of files) {
      expect(file).toMatch(/^[\w-]+\.eml$/);
      expect(statSync(join(outbox, file)).mode & 0o777).toBe(0o600);
    }
    const contents = files.map((f) => readFileSync(join(outbox, f), 'utf8')).sort();
    expect(contents[0]).toBe('To: alice@firm.example\nSubject: Welcome\n\nHello Alice\n');
  });

  it('cannot be made to forge headers through a line break', async () => {
    const outbox = join(dir, 'injection');
    await new OutboxMailer(outbox).send({ to: 'a@firm.example\nBcc: evil@example.com', subject: 'Hi\r\nX-Evil: 1', text: 'body' });
    const [file] = readdirSync(outbox);
    const [headers] = readFileSync(join(outbox, file!), 'utf8').split('\n\n');
    expect(headers!.split('\n')).toEqual(['To: a@firm.example Bcc: evil@example.com', 'Subject: Hi X-Evil: 1']);
  });
});

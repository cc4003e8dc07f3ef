import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../cli/main.js';
import { DIALECTS } from '../../test-support/dialects.js';
import type { ManualClock } from '../../platform/clock.js';
import { buildDocument, buildMatter, buildSession, buildUser, type BuiltDocument, type BuiltUser } from '../../test-support/factories.js';
import { createTestInstance, type TestInstance } from '../../test-support/test-instance.js';
import { ageChecker } from '../../test-support/age-check.js';

const work = mkdtempSync(join(tmpdir(), 'confidant-export-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
// The `age` CLI when it is on PATH, else the age-encryption implementation (server/test-support/age-check.ts).
const age = ageChecker();
const identity = await age.generateIdentity();
const recipient = identity.recipient;

/** Decrypts with age (an identity, or the passphrase `age -d` asks for) and unpacks with `tar`, as the recipient would. */
async function openArchive(file: string, passphrase?: string): Promise<string> {
  const out = join(work, `open-${randomBytes(4).toString('hex')}`);
  mkdirSync(out);
  const tar = passphrase === undefined ? await age.decrypt(readFileSync(file), identity) : await age.decryptWithPassphrase(readFileSync(file), passphrase);
  writeFileSync(join(out, 'archive.tar'), tar);
  execFileSync('tar', ['-xf', 'archive.tar'], { cwd: out });
  return out;
}

/** Every file under `dir`, relative, sorted. */
function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(dir, join(prefix, e.name)) : [join(prefix, e.name)]))
    .sort();
}

const PASSPHRASE = 'correct horse battery staple 42';

describe.each(DIALECTS)('client export on %s', (dialect) => {
  let instance: TestInstance;
  let alice: BuiltUser;
  let clientId: string;
  let documentId: string;
  const content = randomBytes(150_000);

  beforeAll(async () => {
    instance = await createTestInstance(dialect);
    alice = await buildUser(instance, { role: 'attorney' });
    const call = (url: string, payload: unknown) => instance.app.inject({ method: 'POST', url, headers: alice.headers, payload: payload as string });
    clientId = (await call('/api/v1/clients', { kind: 'person', name: 'Export Client', email: 'e@example.org' })).json().id;
    const matterId = (await call('/api/v1/matters', { clientId, title: 'Export matter' })).json().id;
    await call(`/api/v1/matters/${matterId}/notes`, { title: 'A note', body: 'note body' });
    documentId = (
      await instance.app.inject({ method: 'POST', url: `/api/v1/matters/${matterId}/documents`, headers: { ...alice.headers, 'content-type': 'application/octet-stream', 'x-document-name': Buffer.from('Contract ü.bin').toString('base64url') }, payload: content })
    ).json().id;
  });
  afterAll(async () => instance?.close());

  it('exports a passphrase-protected archive (age scrypt) that `age -d` opens with the passphrase, names and extensions kept', async () => {
    const session = await buildSession(instance, alice);
    const response = await instance.app.inject({ method: 'POST', url: `/api/v1/clients/${clientId}/export`, headers: session.headers, payload: { passphrase: PASSPHRASE } });
    expect(response.statusCode, response.body).toBe(200);
    const header = response.rawPayload.subarray(0, 200).toString('latin1');
    expect(header).toMatch(/^age-encryption\.org\/v1\n-> scrypt [A-Za-z0-9+/]{22} 18\n/);
    const file = join(work, `${dialect}-passphrase.tar.age`);
    writeFileSync(file, response.rawPayload);
    await expect(age.decryptWithPassphrase(response.rawPayload, 'not the passphrase at all')).rejects.toThrow();
    const out = await openArchive(file, PASSPHRASE);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.documents[0]).toMatchObject({ id: documentId, name: 'Contract ü.bin', path: `documents/${manifest.matters[0].number}/Contract ü.bin` });
    expect(readFileSync(join(out, manifest.documents[0].path)).equals(content)).toBe(true);
    // The passphrase is nowhere in the audit log.
    const logged = JSON.stringify(await instance.services.database.db.selectFrom('audit_event').selectAll().where('action', '=', 'client.export').execute(), (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v));
    expect(logged).not.toContain(PASSPHRASE);
  });

  it('exports an age archive to a public key (expert option) that `age -d -i` and `tar` open, and audits it', async () => {
    // Step-up: an interactive session with a fresh second factor (an API token never qualifies).
    const session = await buildSession(instance, alice);
    const response = await instance.app.inject({ method: 'POST', url: `/api/v1/clients/${clientId}/export`, headers: session.headers, payload: { recipients: [recipient] } });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.rawPayload.subarray(0, 21).toString()).toBe('age-encryption.org/v1');
    const file = join(work, `${dialect}.tar.age`);
    writeFileSync(file, response.rawPayload);
    const out = await openArchive(file);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.client).toMatchObject({ id: clientId, name: 'Export Client', email: 'e@example.org' });
    expect(manifest.matters).toHaveLength(1);
    expect(manifest.notes[0]).toMatchObject({ title: 'A note', body: 'note body' });
    expect(manifest.documents[0]).toMatchObject({ id: documentId, name: 'Contract ü.bin', size: content.length });
    expect(manifest.documents[0].path).toMatch(/\/Contract ü\.bin$/);
    expect(readFileSync(join(out, manifest.documents[0].path)).equals(content)).toBe(true);
    const events = await instance.services.database.db.selectFrom('audit_event').select(['action', 'outcome']).where('action', '=', 'client.export').where('client_id', '=', clientId).execute();
    expect(events.filter((e) => e.outcome === 'allowed').length).toBeGreaterThanOrEqual(2); // the access decision and the export
  });

  it('refuses others (404), anonymous callers (401), a stale session (step-up) and bad recipients (400 naming the field)', async () => {
    const bob = await buildUser(instance, { role: 'attorney' });
    expect((await instance.app.inject({ method: 'POST', url: `/api/v1/clients/${clientId}/export`, headers: bob.headers, payload: { recipients: [recipient] } })).statusCode).toBe(404);
    expect((await instance.app.inject({ method: 'POST', url: `/api/v1/clients/${clientId}/export`, payload: { recipients: [recipient] } })).statusCode).toBe(401);
    const fresh = await buildSession(instance, alice);
    const bad = await instance.app.inject({ method: 'POST', url: `/api/v1/clients/${clientId}/export`, headers: fresh.headers, payload: { recipients: ['ssh-rsa AAAA'] } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.fields[0].path).toContain('recipients');
    // Step-up: a browser session whose second factor is older than 10 minutes must confirm again.
    const session = await buildSession(instance, alice);
    (instance.clock as ManualClock).advance(11 * 60_000);
    const stale = await instance.app.inject({ method: 'POST', url: `/api/v1/clients/${clientId}/export`, headers: session.headers, payload: { recipients: [recipient] } });
    expect(stale.statusCode).toBe(401);
    expect(stale.json().error.code).toBe('STEP_UP_REQUIRED');
    const both = await instance.app.inject({ method: 'POST', url: `/api/v1/clients/${clientId}/export`, headers: (await buildSession(instance, alice)).headers, payload: { recipients: [recipient], passphrase: PASSPHRASE } });
    expect(both.statusCode).toBe(400);
    expect(both.json().error.fields[0].path).toBe('body.recipients');
    const neither = await instance.app.inject({ method: 'POST', url: `/api/v1/clients/${clientId}/export`, headers: (await buildSession(instance, alice)).headers, payload: {} });
    expect(neither.statusCode).toBe(400);
    expect(neither.json().error.fields[0].path).toBe('body.passphrase');
    const short = await instance.app.inject({ method: 'POST', url: `/api/v1/clients/${clientId}/export`, headers: (await buildSession(instance, alice)).headers, payload: { passphrase: 'short' } });
    expect(short.statusCode).toBe(400);
    expect(short.json().error.fields[0].path).toBe('body.passphrase');
    const corrupt = await instance.app.inject({ method: 'POST', url: `/api/v1/clients/${clientId}/export`, headers: (await buildSession(instance, alice)).headers, payload: { recipients: [`${recipient.slice(0, -1)}${recipient.endsWith('q') ? 'p' : 'q'}`] } });
    expect(corrupt.statusCode).toBe(400);
  });

  it('the manifest agrees with each document’s classification and privilege; file names are kept, made safe and unique; the trash is apart', async () => {
    const matter = await buildMatter(instance, { lead: alice, title: 'Manifest matter' });
    const names = ['Report.pdf', 'report.PDF', 'Report.pdf', '../../etc/passwd', 'CON.txt', 'a/b\\c.txt', '..', `${'Long name '.repeat(30)}.docx`, 'Résumé — final ✓.txt'];
    const built: BuiltDocument[] = [];
    for (const [index, name] of names.entries()) {
      const classification = ['internal', 'confidential', 'privileged', 'client-secret'][index % 4]!;
      built.push(await buildDocument(instance, { matter, by: alice, name, content: `content ${index} of ${name}`, classification, privileged: index % 3 === 0 }));
      // Ids are time-ordered: one millisecond apart, the archive lists them in upload order.
      (instance.clock as ManualClock).advance(1);
    }
    const call = (method: 'PATCH' | 'POST', url: string, payload?: unknown) => instance.app.inject({ method, url: `/api/v1${url}`, headers: alice.headers, ...(payload ? { payload: payload as string } : {}) });
    // Changed after upload: the manifest must say what the document says now.
    expect((await call('PATCH', `/documents/${built[1]!.id}`, { classification: 'client-secret', privileged: true })).statusCode).toBe(200);
    expect((await call('POST', `/documents/${built[4]!.id}/trash`)).statusCode).toBe(200);
    const response = await instance.app.inject({ method: 'POST', url: `/api/v1/clients/${matter.clientId}/export`, headers: (await buildSession(instance, alice)).headers, payload: { passphrase: PASSPHRASE } });
    expect(response.statusCode, response.body).toBe(200);
    const file = join(work, `${dialect}-manifest.tar.age`);
    writeFileSync(file, response.rawPayload);
    const out = await openArchive(file, PASSPHRASE);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { documents: { id: string; name: string; classification: string; privileged: boolean; trashed: boolean; path: string; matterNumber: string }[] };
    expect(manifest.documents).toHaveLength(names.length);
    for (const entry of manifest.documents) {
      const now = (await instance.app.inject({ method: 'GET', url: `/api/v1/documents/${entry.id}`, headers: alice.headers })).json();
      expect({ name: entry.name, classification: entry.classification, privileged: entry.privileged, trashed: entry.trashed }).toEqual({ name: now.name, classification: now.classification, privileged: now.privileged, trashed: now.trashedAt !== null });
      const index = built.findIndex((b) => b.id === entry.id);
      expect(readFileSync(join(out, entry.path), 'utf8')).toBe(`content ${index} of ${names[index]}`);
      expect(entry.path.split('/')).not.toContain('..');
      expect(entry.path).toMatch(entry.trashed ? new RegExp(`^trash/${matter.number}/`) : new RegExp(`^documents/${matter.number}/`));
      expect(Buffer.byteLength(entry.path.split('/').pop()!)).toBeLessThanOrEqual(200);
    }
    const pathOf = (i: number) => manifest.documents.find((d) => d.id === built[i]!.id)!.path;
    expect([pathOf(0), pathOf(1), pathOf(2)]).toEqual([`documents/${matter.number}/Report.pdf`, `documents/${matter.number}/report (2).PDF`, `documents/${matter.number}/Report (3).pdf`]);
    expect(pathOf(3)).toBe(`documents/${matter.number}/.._.._etc_passwd`);
    expect(pathOf(4)).toBe(`trash/${matter.number}/_CON.txt`);
    expect(pathOf(5)).toBe(`documents/${matter.number}/a_b_c.txt`);
    expect(pathOf(6)).toBe(`documents/${matter.number}/_`);
    expect(pathOf(7)).toMatch(/^documents\/.+\/Long name .*\.docx$/);
    expect(pathOf(8)).toBe(`documents/${matter.number}/Résumé — final ✓.txt`);
    // Nothing was unpacked anywhere else: exactly the manifest and the listed files.
    expect(filesUnder(out).filter((f) => f !== 'archive.tar')).toEqual(['manifest.json', ...manifest.documents.map((d) => d.path)].sort());
  });

  it.runIf(dialect === 'sqlite')('the CLI: a passphrase from --passphrase-file by default, one clear line when --output exists (untouched; --force replaces it), never a half-written file', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, { CONFIDANT_DATA_DIR: instance.config.dataDir, DATABASE_URL: instance.config.database.url, LOG_LEVEL: 'silent' });
    const lines: string[] = [];
    const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l), readStdin: async () => '' };
    const folder = join(work, `cli-${randomBytes(3).toString('hex')}`);
    mkdirSync(folder);
    const passphraseFile = join(folder, 'passphrase.txt');
    writeFileSync(passphraseFile, `${PASSPHRASE}\n`, { mode: 0o600 });
    const output = join(folder, 'client.tar.age');
    const run = (...args: string[]) => main(['node', 'confidant', 'export', 'client', clientId, ...args], io);
    try {
      expect(await run('--passphrase-file', passphraseFile, '--output', output), lines.join('\n')).toBe(0);
      expect(lines.at(-1)).toContain(`age -d ${output}`);
      const out = await openArchive(output, PASSPHRASE);
      const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
      expect(readFileSync(join(out, manifest.documents[0].path)).equals(content)).toBe(true);
      // Onto an existing file: one line with the code, the file untouched (it died with EEXIST before).
      writeFileSync(output, 'precious');
      lines.length = 0;
      expect(await run('--passphrase-file', passphraseFile, '--output', output)).toBe(1);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^(error )?OUTPUT_EXISTS: .*client\.tar\.age already exists; choose another --output or add --force\.$/);
      expect(readFileSync(output, 'utf8')).toBe('precious');
      expect(await run('--passphrase-file', passphraseFile, '--output', output, '--force'), lines.join('\n')).toBe(0);
      expect((await openArchive(output, PASSPHRASE)).length).toBeGreaterThan(0);
      // No terminal and no passphrase file: a clear line, nothing written.
      lines.length = 0;
      const other = join(folder, 'other.tar.age');
      expect(await run('--output', other)).toBe(2);
      expect(lines).toEqual([expect.stringMatching(/^(error )?VALIDATION_FAILED: no terminal to ask for the export passphrase; give --passphrase-file FILE/)]);
      lines.length = 0;
      writeFileSync(passphraseFile, 'short\n');
      expect(await run('--passphrase-file', passphraseFile, '--output', other)).toBe(2);
      expect(lines).toEqual([expect.stringMatching(/^(error )?VALIDATION_FAILED: The passphrase must be at least 12 characters/)]);
      expect(existsSync(other)).toBe(false);
      // Only the finished archives and the passphrase file: no partial file left behind.
      expect(readdirSync(folder).sort()).toEqual(['client.tar.age', 'passphrase.txt']);
    } finally {
      process.env = saved;
    }
  });

  it.runIf(dialect === 'sqlite')('the CLI writes the same archive: confidant export client <id> --recipient … --output …', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, { CONFIDANT_DATA_DIR: instance.config.dataDir, DATABASE_URL: instance.config.database.url, LOG_LEVEL: 'silent' });
    const lines: string[] = [];
    const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l), readStdin: async () => '' };
    try {
      const output = join(work, 'cli.tar.age');
      expect(await main(['node', 'confidant', 'export', 'client', clientId, '--recipient', recipient, '--output', output], io), lines.join('\n')).toBe(0);
      const out = await openArchive(output);
      const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
      expect(readFileSync(join(out, manifest.documents[0].path)).equals(content)).toBe(true);
      expect(await main(['node', 'confidant', 'export', 'client', clientId, '--recipient', 'nope', '--output', join(work, 'bad.age')], io)).toBe(2);
      expect(await main(['node', 'confidant', 'keys', 'rotate-client', clientId], io), lines.join('\n')).toBe(0);
      expect(await main(['node', 'confidant', 'keys', 'reencrypt-client', clientId], io), lines.join('\n')).toBe(0);
      expect(lines.join('\n')).toContain('Re-encrypted 1 document version(s) under key version 2');
      expect(await main(['node', 'confidant', 'keys', 'status'], io)).toBe(0);
      expect(lines.join('\n')).toMatch(/provider file, master key version 1/);
    } finally {
      process.env = saved;
    }
  });
});

/**
 * Crash safety: the real server takes concurrent uploads, note edits and team changes, is killed
 * with SIGKILL at a random moment, restarted, and checked — every acknowledged write is there and
 * intact, nothing partial is visible, no plaintext in any file of the data or temp folders, and
 * (at the end) `confidant audit verify` passes with an event for every acknowledged change.
 */
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { expect } from 'vitest';
import { createTestDatabase, type Dialect } from '../../../server/test-support/dialects.js';
import { assertBuilt, cli, cliAttorney, instanceEnv, startProcess, type ServerProcess } from './process.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) out.push(path);
    }
  };
  walk(dir);
  return out;
}

/** Files under `dir` containing `needle` (as UTF-8 bytes). */
export function filesContaining(dir: string, needles: string[]): string[] {
  const hits: string[] = [];
  for (const file of filesUnder(dir)) {
    if (statSync(file).size > 512 * 1024 * 1024) continue;
    const bytes = readFileSync(file);
    for (const needle of needles) if (bytes.includes(Buffer.from(needle, 'utf8'))) hits.push(`${file}: ${needle}`);
  }
  return hits;
}

interface Acked {
  documents: Map<string, string>;
  /** note id → bodies that may legitimately be current (last acked, plus any in flight at the kill). */
  notes: Map<string, { acked: string; revision: number; pending: Set<string> }>;
  team: { acked: boolean; pending: Set<boolean> };
  changes: { action: string; id: string }[];
}

export interface CrashReport {
  rounds: number;
  acknowledged: { documents: number; notes: number; noteEdits: number; teamChanges: number };
  /** Blobs left by uploads cut before their row committed (all removed by the sweep at the end). */
  orphanBlobs: number;
}

export async function crashRounds(dialect: Dialect, rounds: number, log: (line: string) => void = () => undefined): Promise<CrashReport> {
  assertBuilt();
  const database = await createTestDatabase(dialect);
  const env = instanceEnv(database.dataDir, database.url);
  const canary = `CRASHCANARY${randomBytes(6).toString('hex')}`;
  const acked: Acked = { documents: new Map(), notes: new Map(), team: { acked: false, pending: new Set() }, changes: [] };
  let noteEdits = 0;
  let teamChanges = 0;
  let server: ServerProcess | null = null;
  try {
    // First start initializes the instance (migrations, keys); then accounts through the CLI.
    server = await startProcess(env);
    const alice = await cliAttorney(env, 'alice@crash.example', 'Alice Crash');
    const bob = await cliAttorney(env, 'bob@crash.example', 'Bob Crash');
    const auth = { authorization: `Bearer ${alice.token}` };
    const json = { ...auth, 'content-type': 'application/json' };
    const post = async (url: string, body: unknown) => fetch(`${server!.url}${url}`, { method: 'POST', headers: json, body: JSON.stringify(body) });
    const client = await post('/api/v1/clients', { kind: 'organisation', name: `${canary} Client` });
    expect(client.status).toBe(201);
    const clientId = ((await client.json()) as { id: string }).id;
    const matter = await post('/api/v1/matters', { clientId, title: `${canary} Matter` });
    expect(matter.status).toBe(201);
    const matterId = ((await matter.json()) as { id: string }).id;

    for (let round = 0; round < rounds; round++) {
      const base = server.url;
      let stop = false;
      const problems: string[] = [];
      // A request cut by the kill rejects (connection reset): that is the point, not a failure.
      const swallow = () => undefined;
      const expectNo5xx = async (response: Response, what: string) => {
        if (response.status >= 500) problems.push(`${what}: ${response.status} ${(await response.text()).slice(0, 200)}`);
      };
      const uploader = async () => {
        while (!stop) {
          const content = Buffer.concat([Buffer.from(`${canary} plaintext document\n`), randomBytes(randomInt(1, 400_000))]);
          const response = await fetch(`${base}/api/v1/matters/${matterId}/documents`, { method: 'POST', headers: { ...auth, 'content-type': 'application/octet-stream', 'x-document-name': Buffer.from(`${canary}-${round}.bin`).toString('base64url') }, body: content }).catch(swallow);
          if (response?.status === 201) {
            const id = ((await response.json()) as { id: string }).id;
            acked.documents.set(id, sha(content));
            acked.changes.push({ action: 'document.upload', id });
          } else if (response) await expectNo5xx(response, 'upload');
        }
      };
      const noter = async () => {
        while (!stop) {
          const editable = [...acked.notes.entries()];
          if (editable.length === 0 || Math.random() < 0.3) {
            const body = `${canary} note ${randomBytes(4).toString('hex')}`;
            const response = await fetch(`${base}/api/v1/matters/${matterId}/notes`, { method: 'POST', headers: json, body: JSON.stringify({ title: 'call', body }) }).catch(swallow);
            if (response?.status === 201) {
              const note = (await response.json()) as { id: string; revision: number };
              acked.notes.set(note.id, { acked: body, revision: note.revision, pending: new Set() });
              acked.changes.push({ action: 'note.created', id: note.id });
            } else if (response) await expectNo5xx(response, 'note create');
          } else {
            const [id, state] = editable[randomInt(editable.length)]!;
            const body = `${canary} edit ${randomBytes(4).toString('hex')}`;
            state.pending.add(body);
            const response = await fetch(`${base}/api/v1/notes/${id}`, { method: 'PATCH', headers: json, body: JSON.stringify({ body, revision: state.revision }) }).catch(swallow);
            if (response?.status === 200) {
              const note = (await response.json()) as { revision: number };
              state.acked = body;
              state.revision = note.revision;
              state.pending.clear();
              noteEdits += 1;
              acked.changes.push({ action: 'note.updated', id });
            } else if (response) {
              state.pending.delete(body);
              await expectNo5xx(response, 'note edit');
            }
          }
        }
      };
      const teamer = async () => {
        while (!stop) {
          const add = !acked.team.acked;
          acked.team.pending.add(add);
          const response = await fetch(`${base}/api/v1/matters/${matterId}/team/${bob.id}`, add ? { method: 'PUT', headers: json, body: JSON.stringify({ role: 'paralegal' }) } : { method: 'DELETE', headers: auth }).catch(swallow);
          if (response && response.status < 300) {
            acked.team.acked = add;
            acked.team.pending.clear();
            teamChanges += 1;
            acked.changes.push({ action: add ? 'matter.team.set' : 'matter.team.remove', id: bob.id });
          } else if (response) {
            acked.team.pending.delete(add);
            await expectNo5xx(response, 'team change');
          }
        }
      };
      const workers = [uploader(), uploader(), noter(), noter(), teamer()];
      await new Promise((r) => setTimeout(r, randomInt(300, 1500)));
      await server.kill('SIGKILL');
      stop = true;
      const settled = await Promise.allSettled(workers);
      for (const result of settled) if (result.status === 'rejected') problems.push(`worker crashed: ${String(result.reason)}`);
      expect(problems, 'no 5xx while under load before the kill').toEqual([]);

      server = await startProcess(env);
      await checkAcknowledged(server.url, auth, matterId, bob.id, acked);
      expect(filesContaining(database.dataDir, [canary]), 'no plaintext canary in any file of the data/temp folders').toEqual([]);
      log(`round ${round + 1}/${rounds}: ${acked.documents.size} documents, ${acked.notes.size} notes, ${noteEdits} edits, ${teamChanges} team changes acknowledged so far`);
    }
    await server.kill('SIGTERM');
    server = null;

    // Blobs stored by uploads the kill cut before their row committed: the sweeper (run here as an
    // operator would after a crash, no grace since no server is running) removes exactly those.
    const blobDir = join(database.dataDir, 'blobs');
    const referenced = new Set((await query<{ blob_id: string }>(dialect, database.url, 'select blob_id from vault_document_versions')).map((r) => r.blob_id));
    const blobIds = () => filesUnder(blobDir).map((f) => basename(f)).filter((name) => name.endsWith('-doc'));
    const orphanBlobs = blobIds().filter((id) => !referenced.has(id)).length;
    expect(blobIds().filter((id) => referenced.has(id)).length, 'every committed version has its blob').toBe(referenced.size);
    const sweep = cli(env, ['vault', 'sweep-blobs', '--grace', '0m', '--json']);
    expect(sweep.status, sweep.stdout + sweep.stderr).toBe(0);
    expect((JSON.parse(sweep.stdout) as { removed: number }).removed, 'the sweeper removed every orphan blob').toBe(orphanBlobs);
    expect(blobIds().sort(), 'after the sweep, exactly the referenced blobs remain').toEqual([...referenced].sort());
    expect(filesUnder(join(blobDir, '.tmp')), 'no unfinished write left after the sweep').toEqual([]);

    const verify = cli(env, ['audit', 'verify', '--json']);
    expect(verify.status, verify.stdout + verify.stderr).toBe(0);
    expect((JSON.parse(verify.stdout) as { ok: boolean }).ok).toBe(true);
    const events = await query<AuditRow>(dialect, database.url, 'select * from audit_event');
    for (const change of acked.changes) {
      const found = events.some((e) => e.action === change.action && [e.document_id, e.other_id, e.target_user_id].includes(change.id));
      expect(found, `audit event for acknowledged ${change.action} ${change.id}`).toBe(true);
    }
    expect(JSON.stringify(events).includes(canary), 'no client content in the audit log').toBe(false);
    return { rounds, acknowledged: { documents: acked.documents.size, notes: acked.notes.size, noteEdits, teamChanges }, orphanBlobs };
  } finally {
    await server?.kill('SIGKILL');
    await database.drop();
  }
}

interface AuditRow {
  action: string;
  document_id: string | null;
  other_id: string | null;
  target_user_id: string | null;
}

/** Rows as stored, read straight from the database after the server stopped. */
async function query<T>(dialect: Dialect, url: string, sql: string): Promise<T[]> {
  if (dialect === 'sqlite') {
    const database = new Database(url.replace(/^sqlite:/, ''), { readonly: true });
    try {
      return database.prepare(sql).all() as T[];
    } finally {
      database.close();
    }
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

async function checkAcknowledged(base: string, auth: Record<string, string>, matterId: string, bobId: string, acked: Acked): Promise<void> {
  const get = (url: string) => fetch(`${base}${url}`, { headers: auth });
  for (const [id, hash] of acked.documents) {
    const response = await get(`/api/v1/documents/${id}/content`);
    expect(response.status, `acknowledged document ${id}`).toBe(200);
    expect(sha(Buffer.from(await response.arrayBuffer())), `document ${id} intact`).toBe(hash);
  }
  // Everything listed (acknowledged or not) downloads whole: no partially written document.
  let after: string | null = null;
  do {
    const page = (await (await get(`/api/v1/matters/${matterId}/documents?limit=200${after ? `&after=${after}` : ''}`)).json()) as { items: { id: string; size: number }[]; nextCursor: string | null };
    for (const item of page.items) {
      const response = await get(`/api/v1/documents/${item.id}/content`);
      expect(response.status, `listed document ${item.id}`).toBe(200);
      expect((await response.arrayBuffer()).byteLength, `listed document ${item.id} complete`).toBe(item.size);
    }
    after = page.nextCursor;
  } while (after);
  for (const [id, state] of acked.notes) {
    const response = await get(`/api/v1/notes/${id}`);
    expect(response.status, `acknowledged note ${id}`).toBe(200);
    const note = (await response.json()) as { body: string; revision: number };
    expect([state.acked, ...state.pending], `note ${id} holds an acknowledged or in-flight body`).toContain(note.body);
    state.acked = note.body;
    state.revision = note.revision;
    state.pending.clear();
  }
  const team = (await (await get(`/api/v1/matters/${matterId}/team`)).json()) as { items?: { userId: string }[] } | { userId: string }[];
  const members = Array.isArray(team) ? team : (team.items ?? []);
  const bobOnTeam = members.some((m) => m.userId === bobId);
  expect([acked.team.acked, ...acked.team.pending], 'team membership is the acknowledged or the in-flight state').toContain(bobOnTeam);
  acked.team.acked = bobOnTeam;
  acked.team.pending.clear();
}

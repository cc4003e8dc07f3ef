import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../server/test-support/dialects.js';
import { buildMatter, buildUser, type BuiltUser } from '../../server/test-support/factories.js';
import { createTestInstance, type TestInstance } from '../../server/test-support/test-instance.js';
import { main } from '../main.js';
import type { Io } from '../context.js';

function capture(): Io & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l), readStdin: async () => '' };
}

describe.each(DIALECTS)('confidant compliance on %s', (dialect) => {
  let instance: TestInstance;
  let folder: string;
  let officer: BuiltUser;
  let person: BuiltUser;
  const saved = { ...process.env };
  const run = async (...args: string[]) => {
    const io = capture();
    const code = await main(['node', 'confidant', 'compliance', ...args], io);
    return { code, ...io };
  };

  beforeAll(async () => {
    instance = await createTestInstance(dialect);
    process.env.CONFIDANT_DATA_DIR = instance.database.dataDir;
    process.env.DATABASE_URL = instance.database.url;
    process.env.LOG_LEVEL = 'silent';
    folder = mkdtempSync(join(tmpdir(), 'confidant-compliance-'));
    officer = await buildUser(instance, { role: 'compliance_officer' });
    person = await buildUser(instance, { role: 'paralegal' });
  });
  afterAll(async () => {
    process.env = saved;
    rmSync(folder, { recursive: true, force: true });
    await instance?.close();
  });

  it('adds a policy from a Markdown file and asks a role to acknowledge it', async () => {
    const file = join(folder, 'policy.md');
    writeFileSync(file, '# Clean desk\nLock your screen.');
    const added = await run('policy', 'add', '--title', 'Clean desk', '--owner', officer.email, '--file', file, '--required', '--json');
    expect(added.code).toBe(0);
    const policy = JSON.parse(added.lines.join('\n'));
    expect(policy).toMatchObject({ title: 'Clean desk', required: true, currentVersion: 1 });
    const asked = await run('policy', 'ask', policy.id, '--roles', 'paralegal', '--due', '2099-01-31');
    expect(asked.code).toBe(0);
    expect(asked.lines.join('\n')).toMatch(/Asked \d+ people to acknowledge version 1 by 2099-01-31/);
    const bad = await run('policy', 'ask', policy.id, '--roles', 'paralegal', '--due', 'tomorrow');
    expect(bad.code).toBe(2);
    expect(bad.errors.join('\n')).toContain('body.dueDate');
    expect((await run('policy', 'list')).lines.join('\n')).toContain('Clean desk');
  });

  it('imports training completions: every bad line reported and nothing imported, then a good file', async () => {
    const course = await instance.app.inject({ method: 'POST', url: '/api/v1/compliance/courses', headers: officer.headers, payload: { title: 'Confidentiality basics', roles: ['paralegal'], passMark: 70 } });
    expect(course.statusCode).toBe(201);
    const badFile = join(folder, 'bad.csv');
    writeFileSync(badFile, `email,course,completed,score\n${person.email},Confidentiality basics,2026-01-02,88\nghost@firm.example,Confidentiality basics,2026-01-02,88\n${person.email},Confidentiality basics,2026-01-02,101\n`);
    const refused = await run('training', 'import', badFile);
    expect(refused.code).toBe(2);
    expect(refused.errors.join('\n')).toMatch(/TRAINING_IMPORT_INVALID/);
    expect(refused.errors.filter((l) => l.includes('body.csv')).map((l) => l.trim().split(': ')[1])).toEqual(['line 3', 'line 4']);
    expect(JSON.parse((await run('training', 'status', '--json')).lines.join('\n')).find((s: { person: { id: string } }) => s.person.id === person.id).state).not.toBe('current');
    const goodFile = join(folder, 'good.csv');
    writeFileSync(goodFile, `email,course,completed,score\n${person.email},Confidentiality basics,2026-01-02,88\n`);
    const imported = await run('training', 'import', goodFile);
    expect(imported.code).toBe(0);
    expect(imported.lines.join('\n')).toContain('Imported 1 completion(s): 1 passed');
    expect((await run('training', 'import', join(folder, 'absent.csv'))).code).toBe(2);
  });

  it('records an agreement, opens an access review, exports its evidence, and prints the summary', async () => {
    const agreement = await run('agreement', 'add', '--person', person.email, '--title', 'NDA', '--signed', '2026-01-01', '--party', 'contractor');
    expect(agreement.code).toBe(0);
    expect((await run('agreement', 'add', '--person', 'nobody@firm.example', '--title', 'NDA', '--signed', '2026-01-01')).code).toBe(2);
    const matter = await buildMatter(instance);
    expect((await instance.app.inject({ method: 'PUT', url: `/api/v1/matters/${matter.id}/team/${person.id}`, headers: matter.lead.headers, payload: { role: 'paralegal' } })).statusCode).toBe(200);
    const started = await run('review', 'start', '--title', 'Q1', '--due', '2099-03-31', '--json');
    expect(started.code).toBe(0);
    const review = JSON.parse(started.lines.join('\n'));
    expect(review.items).toBeGreaterThan(0);
    const out = join(folder, 'evidence.csv');
    expect((await run('review', 'export', review.id, '--out', out)).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain(person.name);
    expect((await run('review', 'run-deadlines')).lines.join('\n')).toContain('Revoked 0 item(s)');
    const summary = await run('summary', '--json');
    expect(summary.code).toBe(0);
    expect(JSON.parse(summary.lines.join('\n'))).toMatchObject({ accessReviews: { openCampaigns: 1 }, policies: { required: 1 } });
    expect((await run('remind')).code).toBe(0);
  });
});

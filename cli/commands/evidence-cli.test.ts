import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instanceVerifierKey } from '../../server/audit/index.js';
import { DIALECTS } from '../../server/test-support/dialects.js';
import { buildDisclosure } from '../../server/test-support/factories.js';
import { createTestInstance, type TestInstance } from '../../server/test-support/test-instance.js';
import { runCli } from '../cli.testing.js';

describe.each(DIALECTS)('confidant compliance evidence-pack on %s', (dialect) => {
  let instance: TestInstance;
  let folder: string;
  const saved = { ...process.env };
  const run = runCli;
  beforeAll(async () => {
    instance = await createTestInstance(dialect);
    await buildDisclosure(instance);
    folder = mkdtempSync(join(tmpdir(), 'confidant-evidence-cli-'));
    process.env.CONFIDANT_DATA_DIR = instance.database.dataDir;
    process.env.DATABASE_URL = instance.database.url;
    process.env.LOG_LEVEL = 'silent';
  });
  afterAll(async () => {
    process.env = saved;
    await instance.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('writes the pack, verifies it with the instance key, refuses it altered or under another key, and prints a register', async () => {
    const out = join(folder, 'pack.zip');
    const made = await run('compliance', 'evidence-pack', '--out', out);
    expect(made.errors).toEqual([]);
    expect(made.code).toBe(0);
    expect(made.lines.join('\n')).toMatch(/^Evidence pack written to .*pack\.zip: \d+ files, signed by the audit key\./);
    expect((await run('compliance', 'evidence-pack', '--out', out)).code).toBe(2);

    const key = instanceVerifierKey(instance.config.dataDir);
    const verified = await run('compliance', 'verify-evidence', out, '--key', key, '--json');
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.lines.at(-1)!)).toMatchObject({ ok: true, trust: 'given', problems: [] });

    // One byte of a register changed (its CRC-32 redone, as someone editing the ZIP would).
    const bytes = readFileSync(out);
    const at = bytes.indexOf(Buffer.from('disclosure_id'));
    const altered = join(folder, 'altered.zip');
    const copy = Buffer.from(bytes);
    if (at >= 0) copy[at] = 'D'.charCodeAt(0);
    else copy[200]! ^= 1;
    writeFileSync(altered, copy);
    const refused = await run('compliance', 'verify-evidence', altered, '--key', key);
    expect(refused.code).toBe(1);
    expect(refused.errors.join('\n')).toMatch(/^error EVIDENCE_INVALID: the evidence pack does not verify: /);

    const register = await run('compliance', 'register', 'disclosures');
    expect(register.code).toBe(0);
    expect(register.lines.join('\n').split('\r\n')[0]).toMatch(/^requested_at,status,client,matter,recipient/);
    expect((await run('compliance', 'register', 'everything')).code).toBe(2);
  });
});

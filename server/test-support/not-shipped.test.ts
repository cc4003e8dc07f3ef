/**
 * Test-only code never ships and is never reachable from production code:
 * - the production build (tsconfig.build.json → dist/) compiles no test-support file, no
 *   `*.testing.*` file and no test, not even one reached through an import (tsc follows imports
 *   past `exclude`, so a production file importing test code would pull it in);
 * - lint refuses an import of test-support/ or a `*.testing.*` file from production code in every
 *   area (tests and test-support may import them);
 * - identity's public contract has no way to open a session without a credential.
 */
import { spawnSync } from 'node:child_process';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint, Linter } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

describe('test-only code', () => {
  it('is not compiled by the production build', { timeout: 180_000 }, () => {
    const listed = spawnSync(process.execPath, [resolve(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--listFilesOnly'], { cwd: ROOT, encoding: 'utf8' });
    expect(listed.status, listed.stderr).toBe(0);
    const ours = listed.stdout
      .split('\n')
      .map((line) => line.trim())
      .filter((file) => file !== '' && !file.includes('/node_modules/'))
      .map((file) => relative(ROOT, file));
    // The build does compile our code (so an empty list cannot pass by accident).
    expect(ours).toContain('server/main.ts');
    expect(ours.filter((file) => /(^|\/)test-support\/|\.testing\.|\.(test|spec)\.tsx?$/.test(file))).toEqual([]);
  });

  it('may not be imported by production code (lint), only by tests and test-support', { timeout: 60_000 }, async () => {
    const eslint = new ESLint({ cwd: ROOT });
    const linter = new Linter({ configType: 'flat' });
    const restrictedIn = async (file: string, imports: string[]) => {
      const config = (await eslint.calculateConfigForFile(file)) as { rules?: Record<string, Linter.RuleEntry> };
      const rule = config.rules?.['no-restricted-imports'];
      if (!rule) return imports.map(() => false);
      return imports.map((from) => linter.verify(`import { x } from '${from}';\nexport const y = x;\n`, [{ rules: { 'no-restricted-imports': rule } }], { filename: 'probe.js' }).length > 0);
    };
    const production: [string, string[]][] = [
      ['server/modules/vault/documents.service.ts', ['../../test-support/factories.js', './vault.testing.js']],
      ['server/modules/identity/index.ts', ['../../test-support/soft-authenticator.js', './sessions.testing.js']],
      ['server/access/decide.ts', ['../test-support/access.js', './access.testing.js']],
      ['server/audit/log.ts', ['../test-support/audit-probe.js', './audit.testing.js']],
      ['server/platform/context.ts', ['../test-support/test-instance.js', './clock.testing.js']],
      ['server/app.ts', ['./test-support/factories.js', './app.testing.js']],
      ['cli/main.ts', ['../server/test-support/factories.js', './commands/user.testing.js']],
    ];
    for (const [file, imports] of production) expect(await restrictedIn(file, imports), file).toEqual([true, true]);
    for (const file of ['server/access/access.routes.test.ts', 'server/modules/vault/vault.routes.test.ts', 'server/test-support/factories.ts']) {
      expect(await restrictedIn(file, ['../test-support/factories.js', '../test-support/access.js']), file).toEqual([false, false]);
    }
  });

  it('is not on identity’s public contract: no credential-less session opener', async () => {
    const identity = await import('../modules/identity/index.js');
    expect(Object.keys(identity).filter((name) => /session/i.test(name) && /^unsafe/.test(name))).toEqual([]);
  });
});

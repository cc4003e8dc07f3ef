import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../server/test-support/dialects.js';
import { createTestInstance, type TestInstance } from '../../server/test-support/test-instance.js';
import { main } from '../main.js';
import type { Io } from '../context.js';

function capture(stdin = ''): Io & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l), readStdin: async () => stdin };
}

describe.each(DIALECTS)('confidant user / token on %s', (dialect) => {
  let instance: TestInstance;
  const saved = { ...process.env };
  beforeAll(async () => {
    instance = await createTestInstance(dialect);
    process.env.CONFIDANT_DATA_DIR = instance.database.dataDir;
    process.env.DATABASE_URL = instance.database.url;
    process.env.LOG_LEVEL = 'silent';
  });
  afterAll(async () => {
    process.env = saved;
    await instance?.close();
  });

  it('creates a user from a password on stdin and issues an MFA-complete token that works', async () => {
    const io = capture('a long and unusual passphrase 93\n');
    const code = await main(['node', 'confidant', 'user', 'create', '--email', 'Ada@Firm.example', '--name', 'Ada Admin', '--role', 'firm_admin', '--password-stdin', '--json'], io);
    expect(io.errors).toEqual([]);
    expect(code).toBe(0);
    const user = JSON.parse(io.lines[0]!);
    expect(user).toMatchObject({ email: 'ada@firm.example', role: 'firm_admin', status: 'active' });
    expect(io.lines.join('\n')).not.toContain('passphrase');

    const tokenIo = capture();
    expect(await main(['node', 'confidant', 'token', 'create', '--email', 'ada@firm.example', '--expires-in', '1h', '--json'], tokenIo)).toBe(0);
    const { token, expiresAt } = JSON.parse(tokenIo.lines[0]!);
    expect(token).toMatch(/^cft_/);
    // The CLI runs on the system clock.
    expect(expiresAt - Date.now()).toBeLessThanOrEqual(3_600_000);
    expect(expiresAt - Date.now()).toBeGreaterThan(3_500_000);
    // Staff need MFA, and this token counts as MFA-complete: it reaches MFA-gated routes.
    const response = await instance.app.inject({ method: 'GET', url: '/api/v1/users', headers: { authorization: `Bearer ${token}` } });
    expect(response.statusCode).toBe(200);
  });

  it('refuses weak passwords, unknown roles, missing --password-stdin and unknown emails', async () => {
    const weak = capture('password1234');
    expect(await main(['node', 'confidant', 'user', 'create', '--email', 'b@firm.example', '--name', 'B', '--role', 'attorney', '--password-stdin'], weak)).toBe(2);
    expect(weak.errors.join(' ')).toMatch(/PASSWORD_TOO_WEAK/);
    const role = capture('a long and unusual passphrase 93');
    expect(await main(['node', 'confidant', 'user', 'create', '--email', 'b@firm.example', '--name', 'B', '--role', 'wizard', '--password-stdin'], role)).toBe(2);
    const noStdin = capture();
    expect(await main(['node', 'confidant', 'user', 'create', '--email', 'b@firm.example', '--name', 'B', '--role', 'attorney'], noStdin)).toBe(2);
    const unknown = capture();
    expect(await main(['node', 'confidant', 'token', 'create', '--email', 'nobody@firm.example'], unknown)).toBe(1);
    const badDuration = capture();
    expect(await main(['node', 'confidant', 'token', 'create', '--email', 'ada@firm.example', '--expires-in', 'soon'], badDuration)).toBe(2);
  });

  it('disables and re-enables from the command line', async () => {
    const create = capture('another long unusual passphrase 7');
    await main(['node', 'confidant', 'user', 'create', '--email', 'leaver@firm.example', '--name', 'Lee Leaver', '--role', 'paralegal', '--password-stdin'], create);
    const disable = capture();
    expect(await main(['node', 'confidant', 'user', 'disable', '--email', 'leaver@firm.example', '--json'], disable)).toBe(0);
    expect(JSON.parse(disable.lines[0]!).status).toBe('disabled');
    const enable = capture();
    expect(await main(['node', 'confidant', 'user', 'enable', '--email', 'leaver@firm.example', '--json'], enable)).toBe(0);
    expect(JSON.parse(enable.lines[0]!).status).toBe('active');
  });

  it('resets a lost second factor as the operator, audited', async () => {
    const create = capture('a third long unusual passphrase 5');
    await main(['node', 'confidant', 'user', 'create', '--email', 'lost@firm.example', '--name', 'Lou Lost', '--role', 'attorney', '--password-stdin', '--json'], create);
    const id = JSON.parse(create.lines[0]!).id as string;
    await instance.services.database.db.insertInto('identity_totp' as never).values({ user_id: id, secret: 'sealed', confirmed_at: 1, last_step: null, created_at: 1 } as never).execute();
    const reset = capture();
    expect(await main(['node', 'confidant', 'user', 'reset-mfa', '--email', 'lost@firm.example', '--json'], reset)).toBe(0);
    expect(JSON.parse(reset.lines[0]!).id).toBe(id);
    const left = await instance.services.database.db.selectFrom('identity_totp' as never).selectAll().where('user_id' as never, '=', id as never).execute();
    expect(left).toEqual([]);
    const events = await instance.services.database.db.selectFrom('audit_event').select(['action', 'outcome']).where('target_user_id', '=', id).where('action', '=', 'user.mfa_reset').execute();
    expect(events).toEqual([{ action: 'user.mfa_reset', outcome: 'allowed' }]);
    const unknown = capture();
    expect(await main(['node', 'confidant', 'user', 'reset-mfa', '--email', 'nobody@firm.example'], unknown)).toBe(1);
  });
});

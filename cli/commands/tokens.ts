/**
 * `confidant token create`: an operator on the server issues an API token for a user — the
 * administrator's scripted path. The operator already holds the keys, so such a token counts as
 * MFA-complete (it passes the MFA gate) but, like every token, never satisfies step-up; its
 * lifetime is bounded by TOKEN_MAX_LIFETIME_DAYS like any other token's.
 */
import type { Command } from 'commander';
import { createToken, findUserByEmailAddress, parseDuration } from '../../server/modules/identity/index.js';
import { systemContext } from '../../server/platform/context.js';
import { assertMigrated } from '../../server/platform/db/migrate.js';
import { CliError, withServices, type Io } from '../context.js';
import { asCliError } from './users.js';

export function registerTokenCommands(program: Command, io: Io): void {
  const token = program.command('token').description('Issue API tokens');
  token
    .command('create')
    .description('Create an API token for a user (printed once; store it in your secret manager)')
    .requiredOption('--email <email>', 'the account the token acts as')
    .option('--expires-in <duration>', 'lifetime: 30m, 1h, 7d … (at most TOKEN_MAX_LIFETIME_DAYS, default 90d)', '1h')
    .option('--name <name>', 'label shown in the account settings', 'cli')
    .option('--read-only', 'GET requests only')
    .option('--json', 'print {token, id, expiresAt} as JSON')
    .action(async (options: { email: string; expiresIn: string; name: string; readOnly?: boolean; json?: boolean }) => {
      const expiresInMs = parseDuration(options.expiresIn);
      if (expiresInMs === null) throw new CliError('--expires-in must look like 30m, 1h or 7d', 2);
      await withServices(async (services) => {
        await assertMigrated(services.database);
        const ctx = systemContext(services, 'cli.token.create');
        const user = await findUserByEmailAddress(ctx, options.email);
        if (!user) throw new CliError('No account with that email.', 1);
        const created = await asCliError(() =>
          createToken(ctx, { userId: user.id, name: options.name, scopes: [options.readOnly ? 'read' : 'api'], expiresInMs, mfaComplete: true, createdBy: 'cli' }),
        );
        if (options.json) io.out(JSON.stringify({ token: created.token, id: created.view.id, userId: user.id, expiresAt: created.view.expiresAt, scopes: created.view.scopes }));
        else io.out(created.token);
      });
    });
}

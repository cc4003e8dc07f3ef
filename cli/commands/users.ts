/** `confidant user …`: scripted provisioning and emergency lifecycle steps, through identity's services. */
import type { Command } from 'commander';
import { FIRM_ROLES } from '../../common/roles.js';
import { createUser, disableUser, enableUser, findUserByEmailAddress, listUsers, resetSecondFactor, type UserView } from '../../server/modules/identity/index.js';
import { systemContext } from '../../server/platform/context.js';
import { assertMigrated } from '../../server/platform/db/migrate.js';
import { isAppError } from '../../server/platform/errors.js';
import { CliError, withServices, type Io } from '../context.js';

/** Service errors become one line and exit 1 (bad input exit 2), without a stack trace. */
export async function asCliError<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isAppError(error)) throw new CliError(`${error.code}: ${error.message}`, error.code === 'VALIDATION_FAILED' || error.code === 'PASSWORD_TOO_WEAK' ? 2 : 1);
    throw error;
  }
}

function printUser(io: Io, user: UserView, json: boolean): void {
  if (json) io.out(JSON.stringify(user));
  else io.out(`${user.id}  ${user.email}  ${user.role}  ${user.invitationPending && user.status !== 'disabled' ? 'pending' : user.status}  ${user.name}`);
}

export function registerUserCommands(program: Command, io: Io): void {
  const user = program.command('user').description('Manage accounts (create, list, disable, enable, reset-mfa)');

  user
    .command('create')
    .description('Create an account; the password is read from standard input (never from the command line)')
    .requiredOption('--email <email>', 'sign-in email')
    .requiredOption('--name <name>', 'display name')
    .requiredOption('--role <role>', `one of ${FIRM_ROLES.join(', ')}`)
    .option('--client-id <id>', 'for the client role: the client this account belongs to')
    .option('--password-stdin', 'read the password from standard input (required)')
    .option('--json', 'print the account as JSON')
    .action(async (options: { email: string; name: string; role: string; clientId?: string; passwordStdin?: boolean; json?: boolean }) => {
      if (!options.passwordStdin) throw new CliError('Pass --password-stdin and the password on standard input (arguments show up in process lists).', 2);
      const password = (await io.readStdin()).replace(/\r?\n$/, '');
      await withServices(async (services) => {
        await assertMigrated(services.database);
        const created = await asCliError(() =>
          createUser(systemContext(services, 'cli.user.create'), { email: options.email, name: options.name, role: options.role, clientId: options.clientId ?? null, password }),
        );
        printUser(io, created, options.json === true);
      });
    });

  user
    .command('list')
    .description('List every account')
    .option('--json', 'print JSON lines')
    .action(async (options: { json?: boolean }) => {
      await withServices(async (services) => {
        await assertMigrated(services.database);
        for (const u of await listUsers(systemContext(services, 'cli.user.list'))) printUser(io, u, options.json === true);
      });
    });

  for (const [name, description] of [
    ['disable', 'Disable an account: ends all its sessions and API tokens at once'],
    ['enable', 'Re-enable a disabled account'],
    ['reset-mfa', "Reset a lost second factor (operator on the server, audited): removes the person's authenticator app, passkeys and recovery codes and ends their sessions; they enrol anew at the next sign-in"],
  ] as const) {
    user
      .command(name)
      .description(description)
      .requiredOption('--email <email>', 'the account')
      .option('--json', 'print the account as JSON')
      .action(async (options: { email: string; json?: boolean }) => {
        await withServices(async (services) => {
          await assertMigrated(services.database);
          const ctx = systemContext(services, `cli.user.${name}`);
          const found = await findUserByEmailAddress(ctx, options.email);
          if (!found) throw new CliError('No account with that email.', 1);
          const updated = await asCliError(() => (name === 'disable' ? disableUser(ctx, found.id) : name === 'enable' ? enableUser(ctx, found.id) : resetSecondFactor(ctx, found.id)));
          printUser(io, updated, options.json === true);
        });
      });
  }
}

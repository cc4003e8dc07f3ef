/** `confidant keys …`: the key hierarchy, as the operator on the server (system actor, audited). */
import type { Command } from 'commander';
import type { ClientId } from '../../common/ids.js';
import { keyStatus, rotateClientKey, rotateMasterKey, sealStatus, shredClientKeys, unseal } from '../../server/modules/keys/index.js';
import { reencryptClientDocuments } from '../../server/modules/vault/index.js';
import type { AppServices, RequestContext } from '../../server/platform/context.js';
import { systemContext } from '../../server/platform/context.js';
import { assertMigrated } from '../../server/platform/db/migrate.js';
import { isAppError } from '../../server/platform/errors.js';
import { isUuid } from '../../server/platform/ids.js';
import { CliError, withServices, type Io } from '../context.js';

async function cliErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isAppError(error)) throw new CliError(`${error.code}: ${error.message}`, error.code === 'VALIDATION_FAILED' ? 2 : 1);
    throw error;
  }
}

/**
 * A system context on unsealed keys: with the passphrase provider, the passphrase comes from
 * standard input (never the command line, which shows in process lists).
 */
export async function operatorContext(services: AppServices, io: Io, name: string, options: { passphraseStdin?: boolean }): Promise<RequestContext> {
  await assertMigrated(services.database);
  const ctx = systemContext(services, name);
  const status = await sealStatus(ctx);
  if (status.sealed) {
    if (!options.passphraseStdin) throw new CliError('The master key is passphrase-protected: pass --passphrase-stdin and the passphrase on standard input.', 2);
    const lines = (await io.readStdin()).split(/\r?\n/);
    await cliErrors(() => unseal(ctx, lines[0] ?? ''));
  }
  return ctx;
}

const clientIdOf = (value: string): ClientId => {
  if (!isUuid(value)) throw new CliError('The client id must be an id (UUID).', 2);
  return value as ClientId;
};

export function registerKeyCommands(program: Command, io: Io): void {
  const keys = program.command('keys').description('Master key and per-client keys: status, rotation, crypto-shredding');

  keys
    .command('status')
    .description('Provider, master key version and client key counts')
    .option('--passphrase-stdin', 'read the master passphrase from standard input')
    .action(async (options: { passphraseStdin?: boolean }) => {
      await withServices(async (services) => {
        const ctx = await operatorContext(services, io, 'cli.keys', options);
        const status = await cliErrors(() => keyStatus(ctx));
        io.out(`provider ${status.provider}, master key version ${status.masterVersion}, ${status.clientKeys} live client key(s), ${status.destroyedClientKeys} destroyed`);
      });
    });

  keys
    .command('rotate-master')
    .description('Replace the master key and re-wrap every client key (no content is rewritten)')
    .option('--passphrase-stdin', 'passphrase provider: standard input holds the current passphrase, then the new one, one per line')
    .action(async (options: { passphraseStdin?: boolean }) => {
      await withServices(async (services) => {
        let newPassphrase: string | undefined;
        if (services.config.masterKey.provider === 'passphrase') {
          if (!options.passphraseStdin) throw new CliError('Pass --passphrase-stdin with the current and the new passphrase on two lines.', 2);
          const [current, next] = (await io.readStdin()).split(/\r?\n/);
          const ctx = systemContext(services, 'cli.keys');
          await cliErrors(() => unseal(ctx, current ?? ''));
          newPassphrase = next ?? '';
        }
        const ctx = await operatorContext(services, io, 'cli.keys', {});
        const result = await cliErrors(() => rotateMasterKey(ctx, newPassphrase !== undefined ? { newPassphrase } : {}));
        io.out(`Master key rotated to version ${result.version}; ${result.rewrapped} client key(s) re-wrapped.`);
        if (services.config.masterKey.provider === 'file') io.out(`The new key is in ${services.config.masterKey.file}: back it up now, then destroy copies of the old one.`);
      });
    });

  keys
    .command('rotate-client <clientId>')
    .description("Add a new key version for a client: new writes use it, old data stays readable")
    .option('--passphrase-stdin', 'read the master passphrase from standard input')
    .action(async (clientId: string, options: { passphraseStdin?: boolean }) => {
      await withServices(async (services) => {
        const ctx = await operatorContext(services, io, 'cli.keys', options);
        const result = await cliErrors(() => rotateClientKey(ctx, clientIdOf(clientId)));
        io.out(`Client key rotated to version ${result.version}.`);
      });
    });

  keys
    .command('reencrypt-client <clientId>')
    .description("After rotate-client: re-encrypt the client's documents still under older key versions (streamed)")
    .option('--passphrase-stdin', 'read the master passphrase from standard input')
    .action(async (clientId: string, options: { passphraseStdin?: boolean }) => {
      await withServices(async (services) => {
        const ctx = await operatorContext(services, io, 'cli.keys', options);
        const result = await cliErrors(() => reencryptClientDocuments(ctx, clientIdOf(clientId)));
        io.out(`Re-encrypted ${result.reencrypted} document version(s) under key version ${result.keyVersion}.`);
      });
    });

  keys
    .command('shred-client <clientId>')
    .description("Crypto-shred every key of a client: all of the client's encrypted data becomes unrecoverable. IRREVERSIBLE.")
    .requiredOption('--confirm <clientId>', 'repeat the client id to confirm')
    .option('--passphrase-stdin', 'read the master passphrase from standard input')
    .action(async (clientId: string, options: { confirm: string; passphraseStdin?: boolean }) => {
      if (options.confirm !== clientId) throw new CliError('--confirm must repeat the client id.', 2);
      await withServices(async (services) => {
        const ctx = await operatorContext(services, io, 'cli.keys', options);
        const result = await cliErrors(() => shredClientKeys(ctx, clientIdOf(clientId)));
        if ('approval' in result) io.out(`Filed for a second person's approval (${result.approval.id}).`);
        else io.out(`Destroyed ${result.destroyedVersions} key version(s). The client's documents, notes and names can no longer be decrypted.`);
      });
    });
}

/** `confidant export client <id> --recipient age1… --output FILE`: an age-encrypted archive of one client. */
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { Command } from 'commander';
import type { ClientId } from '../../common/ids.js';
import { exportClient } from '../../server/modules/vault/index.js';
import { isAppError } from '../../server/platform/errors.js';
import { isUuid } from '../../server/platform/ids.js';
import { CliError, withServices, type Io } from '../context.js';
import { operatorContext } from './keys.js';

export function registerExportCommands(program: Command, io: Io): void {
  const exporter = program.command('export').description('Export data in the age format (decrypt with the standard `age` tool)');
  exporter
    .command('client <clientId>')
    .description("Every matter, document, note and record of a client, as a tar archive encrypted with age")
    .requiredOption('--recipient <age1…>', 'age X25519 public key (repeatable)', (value: string, previous: string[] = []) => [...previous, value])
    .requiredOption('--output <file>', 'where to write the .tar.age file (must not exist)')
    .option('--passphrase-stdin', 'read the master passphrase from standard input')
    .action(async (clientId: string, options: { recipient: string[]; output: string; passphraseStdin?: boolean }) => {
      if (!isUuid(clientId)) throw new CliError('The client id must be an id (UUID).', 2);
      await withServices(async (services) => {
        const ctx = await operatorContext(services, io, 'cli.export', options);
        const output = createWriteStream(options.output, { flags: 'wx', mode: 0o600 });
        try {
          const result = await exportClient(ctx, clientId as ClientId, options.recipient, output);
          io.out(`Exported ${result.documents} document(s), ${result.bytes} bytes of content, to ${options.output}. Decrypt with: age -d -i KEYFILE ${options.output} | tar x`);
        } catch (error) {
          output.destroy();
          await rm(options.output, { force: true });
          if (isAppError(error)) throw new CliError(`${error.code}: ${error.message}`, error.code === 'VALIDATION_FAILED' ? 2 : 1);
          throw error;
        }
      });
    });
}

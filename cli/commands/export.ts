/**
 * `confidant export client <id> --output FILE`: an age-encrypted archive of one client, protected
 * by a passphrase (asked on the terminal, or read from --passphrase-file) or, for experts, by age
 * public keys (--recipient age1…). The passphrase is never a command-line value (process lists
 * show those). The archive is written to a temporary file beside FILE and moved into place only
 * when complete: a failure leaves nothing half-written, and an existing FILE is never touched
 * unless --force says so.
 */
import { createWriteStream } from 'node:fs';
import { link, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import type { Command } from 'commander';
import type { ClientId } from '../../common/ids.js';
import { exportClient, EXPORT_PASSPHRASE_MIN_LENGTH, type ExportProtection } from '../../server/modules/vault/index.js';
import { isAppError } from '../../server/platform/errors.js';
import { isUuid } from '../../server/platform/ids.js';
import { CliError, withServices, type Io } from '../context.js';
import { operatorContext } from './keys.js';

interface ExportOptions {
  recipient?: string[];
  passphraseFile?: string;
  output: string;
  force?: boolean;
  passphraseStdin?: boolean;
}

const exists = async (path: string) => (await stat(path).catch(() => null)) !== null;

/** Reads a line from the terminal without echoing it. */
async function askHidden(question: string): Promise<string> {
  const input = process.stdin;
  process.stderr.write(question);
  input.setRawMode(true);
  input.resume();
  let answer = '';
  try {
    for (;;) {
      const [chunk] = (await once(input, 'data')) as [Buffer];
      for (const char of chunk.toString('utf8')) {
        if (char === '\r' || char === '\n') return answer;
        if (char === '\u0003') throw new CliError('Cancelled.', 130);
        if (char === '\u007f' || char === '\b') answer = answer.slice(0, -1);
        else answer += char;
      }
    }
  } finally {
    input.setRawMode(false);
    input.pause();
    process.stderr.write('\n');
  }
}

/** The archive's protection from the options: recipients, a passphrase file, or the terminal. */
async function protectionOf(options: ExportOptions): Promise<ExportProtection> {
  if (options.recipient && options.passphraseFile) throw new CliError('VALIDATION_FAILED: give --recipient or --passphrase-file, not both.', 2);
  if (options.recipient) return { recipients: options.recipient };
  if (options.passphraseFile) {
    const text = await readFile(options.passphraseFile, 'utf8').catch(() => {
      throw new CliError(`VALIDATION_FAILED: cannot read the passphrase file ${options.passphraseFile}.`, 2);
    });
    return { passphrase: text.split(/\r?\n/)[0] ?? '' };
  }
  if (!process.stdin.isTTY || options.passphraseStdin) {
    throw new CliError('VALIDATION_FAILED: no terminal to ask for the export passphrase; give --passphrase-file FILE (or --recipient age1… for age public keys).', 2);
  }
  const passphrase = await askHidden(`Passphrase for the export (at least ${EXPORT_PASSPHRASE_MIN_LENGTH} characters): `);
  if ((await askHidden('Repeat the passphrase: ')) !== passphrase) throw new CliError('VALIDATION_FAILED: the two passphrases differ; nothing was written.', 2);
  return { passphrase };
}

function failureLine(error: unknown): CliError | null {
  if (!isAppError(error)) return null;
  const detail = error.fields?.length ? ` (${error.fields.map((f) => `${f.path.replace(/^body\./, '')} ${f.message}`).join('; ')})` : '';
  return new CliError(`${error.message}${detail}`, error.code === 'VALIDATION_FAILED' ? 2 : 1, error.code);
}

export function registerExportCommands(program: Command, io: Io): void {
  const exporter = program.command('export').description('Export data in the age format (decrypt with the standard `age` tool)');
  exporter
    .command('client <clientId>')
    .description('Every matter, document, note and record of a client, as a tar archive encrypted with age (a passphrase by default)')
    .requiredOption('--output <file>', 'where to write the .tar.age file (must not exist unless --force)')
    .option('--passphrase-file <file>', 'read the export passphrase from the first line of this file (else it is asked on the terminal)')
    .option('--recipient <age1…>', 'instead of a passphrase: an age X25519 public key (repeatable)', (value: string, previous: string[] = []) => [...previous, value])
    .option('--force', 'replace --output if it exists')
    .option('--passphrase-stdin', 'read the master passphrase (a sealed instance) from standard input')
    .action(async (clientId: string, options: ExportOptions) => {
      if (!isUuid(clientId)) throw new CliError('VALIDATION_FAILED: the client id must be an id (UUID).', 2);
      // Checked before anything is asked or computed; checked again atomically at the end.
      if (!options.force && (await exists(options.output))) throw new CliError(`OUTPUT_EXISTS: ${options.output} already exists; choose another --output or add --force.`, 1);
      if (!(await exists(dirname(options.output)))) throw new CliError(`VALIDATION_FAILED: the folder ${dirname(options.output)} does not exist.`, 2);
      await withServices(async (services) => {
        const ctx = await operatorContext(services, io, 'cli.export', options);
        const protection = await protectionOf(options);
        const partial = join(dirname(options.output), `.${basename(options.output)}.${randomBytes(6).toString('hex')}.partial`);
        const output = createWriteStream(partial, { flags: 'wx', mode: 0o600 });
        try {
          await once(output, 'open');
          const result = await exportClient(ctx, clientId as ClientId, protection, output);
          if (options.force) await rename(partial, options.output);
          else {
            // link() refuses an existing name: a file created meanwhile is not replaced either.
            await link(partial, options.output).catch(async (error: NodeJS.ErrnoException) => {
              if (error.code === 'EEXIST') throw new CliError(`OUTPUT_EXISTS: ${options.output} already exists; choose another --output or add --force.`, 1);
              // A file system without hard links: the (non-atomic) check, then a rename.
              if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EXDEV', 'ENOSYS'].includes(error.code ?? '') || (await exists(options.output))) throw error;
              await rename(partial, options.output);
            });
            await rm(partial, { force: true });
          }
          const open = 'passphrase' in protection ? `age -d ${options.output} | tar x   (age asks for the passphrase)` : `age -d -i KEYFILE ${options.output} | tar x`;
          io.out(`Exported ${result.documents} document(s), ${result.bytes} bytes of content, to ${options.output}. Open with: ${open}`);
        } catch (error) {
          output.destroy();
          await rm(partial, { force: true });
          // One line, never a stack (main prints any other error as one line with its code).
          throw failureLine(error) ?? error;
        }
      });
    });
}

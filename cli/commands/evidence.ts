/**
 * `confidant compliance evidence-pack | verify-evidence | register`: the signed evidence pack for
 * an auditor or regulator, checked offline, and one register as CSV or PDF (docs/compliance.md).
 */
import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { buildEvidencePack, exportRegister, REGISTER_NAMES, verifyEvidencePack, type RegisterName } from '../../server/modules/evidence/index.js';
import { CliError, withServices, type Io } from '../context.js';
import { operatorContext } from './keys.js';

export function registerEvidenceCommands(program: Command, io: Io): void {
  const compliance = program.commands.find((c) => c.name() === 'compliance') ?? program.command('compliance').description('The compliance program');

  compliance
    .command('evidence-pack')
    .description('Write the signed evidence pack (registers, reports, policies, audit checkpoint and verification, backups, posture) to a ZIP file')
    .requiredOption('--out <file>', 'where to write the ZIP (refused if it exists)')
    .option('--passphrase-stdin', 'read the master passphrase from standard input')
    .option('--json', 'the manifest as JSON')
    .action(async (options: { out: string; passphraseStdin?: boolean; json?: boolean }) => {
      const pack = await withServices(async (services) => buildEvidencePack(await operatorContext(services, io, 'cli.compliance', options)));
      try {
        await writeFile(options.out, pack.zip, { flag: 'wx', mode: 0o600 });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new CliError(`${options.out} exists: give another --out`, 2, 'OUTPUT_EXISTS');
        throw error;
      }
      if (options.json) io.out(JSON.stringify(pack.manifest));
      else io.out(`Evidence pack written to ${options.out}: ${pack.manifest.files.length} files, signed by the audit key.${pack.manifest.omitted.length ? ` Omitted: ${pack.manifest.omitted.map((o) => `${o.path} (${o.reason})`).join(', ')}.` : ''}`);
    });

  compliance
    .command('verify-evidence')
    .description('Check an evidence pack offline: every file against the manifest, the Ed25519 signature')
    .argument('<file>', 'the evidence pack ZIP')
    .option('--key <verifier-key>', 'the audit verifier key to trust (GET /api/v1/audit/public-key); else only the key the pack names')
    .option('--json', 'the result as JSON')
    .action(async (file: string, options: { key?: string; json?: boolean }) => {
      const zip = await readFile(file).catch(() => {
        throw new CliError(`cannot read ${file}`, 2, 'USAGE');
      });
      const check = verifyEvidencePack(zip, options.key);
      if (options.json) io.out(JSON.stringify(check));
      else if (check.ok) io.out(`Evidence pack of ${check.firm ?? '?'} made ${check.createdAt ?? '?'}: ${check.files} files intact, signature valid (${check.trust === 'given' ? 'by the key you gave' : 'by the key the pack names — pass --key to check whose it is'}).`);
      if (!check.ok) throw new CliError(`the evidence pack does not verify: ${check.problems.join('; ')}`, 1, 'EVIDENCE_INVALID');
    });

  compliance
    .command('register')
    .description(`One register or report on standard output (${REGISTER_NAMES.join(', ')})`)
    .argument('<name>', 'which register')
    .option('--format <csv|pdf>', 'csv (default) or pdf (then give --out)', 'csv')
    .option('--out <file>', 'write to a file instead of standard output')
    .option('--passphrase-stdin', 'read the master passphrase from standard input')
    .action(async (name: string, options: { format: string; out?: string; passphraseStdin?: boolean }) => {
      if (!(REGISTER_NAMES as readonly string[]).includes(name)) throw new CliError(`unknown register ${name}: one of ${REGISTER_NAMES.join(', ')}`, 2, 'USAGE');
      if (options.format !== 'csv' && options.format !== 'pdf') throw new CliError('--format must be csv or pdf', 2, 'USAGE');
      if (options.format === 'pdf' && !options.out) throw new CliError('a PDF needs --out FILE', 2, 'USAGE');
      const out = await withServices(async (services) => exportRegister(await operatorContext(services, io, 'cli.compliance', options), name as RegisterName, options.format as 'csv' | 'pdf'));
      if (options.out) await writeFile(options.out, out.bytes, { mode: 0o600 });
      else io.out(out.bytes.toString('utf8').trimEnd());
    });
}

/**
 * `confidant retention …`: retention schedules, legal holds, disposition and certificates of
 * destruction. One function per subcommand, each adding itself to the `retention` group.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { instanceVerifierKey } from '../../server/audit/index.js';
import { verifyCertificate } from '../../server/modules/retention/certificate.js';
import { CliError, cliConfig, type Io } from '../context.js';

export function registerRetentionCommands(program: Command, io: Io): void {
  const retention = program.command('retention').description('Retention schedules, legal holds, disposition and certificates of destruction');
  registerVerifyCertificate(retention, io);
}

/** The local instance's verifier key (its audit key file), or a usage error saying what to pass instead. */
function localVerifierKey(): string {
  const hint = 'pass --key <verifier key> (the firm publishes it at /api/v1/audit/public-key)';
  let dataDir: string;
  try {
    dataDir = cliConfig().dataDir;
  } catch (error) {
    throw new CliError(`No --key given and no local instance is configured (${error instanceof Error ? error.message : 'invalid configuration'}): ${hint}`, 2, 'VERIFIER_KEY_REQUIRED');
  }
  try {
    return instanceVerifierKey(dataDir);
  } catch (error) {
    throw new CliError(`No --key given and the local instance in ${dataDir} has no usable audit key (${error instanceof Error ? error.message.split('\n')[0] : 'unreadable'}): ${hint}`, 2, 'VERIFIER_KEY_REQUIRED');
  }
}

/** `retention verify-certificate FILE [--key K] [--json]`: offline; exit 0 only when every check passes. */
function registerVerifyCertificate(retention: Command, io: Io): void {
  retention
    .command('verify-certificate')
    .description('Check a certificate of destruction offline: its signature, the signed audit checkpoint and the inclusion proof of the key-destruction event; exit 1 unless every check passes')
    .argument('<file>', 'the certificate JSON file')
    .option('--key <verifierKey>', 'the verifier key to check with (default: the audit key of the local instance)')
    .option('--json', 'print the result as JSON')
    .action((file: string, options: { key?: string; json?: boolean }) => {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        throw new CliError(`Cannot read ${file}`, 2);
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new CliError(`${file} is not JSON: a certificate of destruction is the JSON file, not its PDF`, 1, 'CERTIFICATE_INVALID');
      }
      const verifierKey = options.key ?? localVerifierKey();
      const result = verifyCertificate(parsed, { verifierKey });
      if (options.json) io.out(JSON.stringify(result, null, 2));
      else {
        for (const check of result.checks) io.out(`${check.ok ? '✓' : '✗'} ${check.check}: ${check.detail}`);
        if (result.valid) io.out('The certificate is valid.');
      }
      if (!result.valid) {
        const failed = result.checks.filter((c) => !c.ok).map((c) => c.check);
        throw new CliError(`The certificate does not verify (failed: ${failed.join(', ')}).`, 1, 'CERTIFICATE_INVALID');
      }
    });
}

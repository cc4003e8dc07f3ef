/** `confidant audit verify | export | checkpoint`: the audit log from the command line. */
import { createWriteStream, readFileSync } from 'node:fs';
import { once } from 'node:events';
import type { Command } from 'commander';
import { createCheckpoint, exportEvents, verifyLog } from '../../server/audit/index.js';
import { CliError, withServices, type Io } from '../context.js';

export function registerAuditCommands(program: Command, io: Io): void {
  const audit = program.command('audit').description('The tamper-evident audit log: verify, export, checkpoint');

  audit
    .command('verify')
    .description('Recompute the whole Merkle tree from the events and check every stored checkpoint and signature; exit 1 on any problem')
    .option('--since-checkpoint <file>', 'also check consistency with a signed checkpoint kept outside Confidant')
    .option('--key <verifierKey>', 'check signatures with this verifier key instead of the instance key file')
    .option('--json', 'print the report as JSON')
    .action(async (options: { sinceCheckpoint?: string; key?: string; json?: boolean }) => {
      let externalCheckpoint: string | undefined;
      if (options.sinceCheckpoint) {
        try {
          externalCheckpoint = readFileSync(options.sinceCheckpoint, 'utf8');
        } catch {
          throw new CliError(`Cannot read ${options.sinceCheckpoint}`, 2);
        }
      }
      const report = await withServices((services) => verifyLog(services, { externalCheckpoint, verifierKey: options.key }));
      if (options.json) io.out(JSON.stringify(report, null, 2));
      else {
        io.out(`${report.ok ? 'OK' : 'FAILED'}: ${report.events} events, root ${report.root}, ${report.checkpointsChecked} checkpoint(s), ${report.nodesChecked} stored node(s) checked in ${report.durationMs} ms`);
        if (report.firstBadIndex !== null) io.out(`First bad index: ${report.firstBadIndex}`);
        for (const problem of report.problems) io.out(`  - ${problem}`);
      }
      if (!report.ok) throw new CliError('Audit log verification failed.', 1);
    });

  audit
    .command('export')
    .description('Write the log as JSON lines (exact leaf bytes in base64, then the signed checkpoints)')
    .option('--out <file>', 'file to write (default: standard output)')
    .option('--from <index>', 'first event index', '0')
    .action(async (options: { out?: string; from: string }) => {
      const from = Number(options.from);
      if (!Number.isInteger(from) || from < 0) throw new CliError('--from must be a whole number', 2);
      await withServices(async (services) => {
        if (!options.out) {
          const count = await exportEvents(services, (line) => io.out(line), { from });
          io.err(`Exported ${count} events.`);
          return;
        }
        const stream = createWriteStream(options.out, { mode: 0o600, flags: 'wx' });
        const count = await exportEvents(
          services,
          async (line) => {
            if (!stream.write(`${line}\n`)) await once(stream, 'drain');
          },
          { from },
        );
        stream.end();
        await once(stream, 'finish');
        io.out(`Exported ${count} events to ${options.out}.`);
      });
    });

  audit
    .command('checkpoint')
    .description('Sign a checkpoint of the current tree now and print it (keep a copy outside Confidant)')
    .action(async () => {
      const checkpoint = await withServices((services) => createCheckpoint(services));
      io.out(checkpoint.note.trimEnd());
    });
}

/**
 * `confidant posture [--json] [--snapshot]`: the firm's posture now — the score and each finding
 * with its fix — for a script or a monitoring check (exit code 1 with --fail-under when the score
 * is lower). Counts only, like the dashboard (docs/posture.md).
 */
import type { Command } from 'commander';
import { postureReport, takePostureSnapshot } from '../../server/modules/posture/index.js';
import { systemContext } from '../../server/platform/context.js';
import { assertMigrated } from '../../server/platform/db/migrate.js';
import { CliError, withServices, type Io } from '../context.js';

export function registerPostureCommands(program: Command, io: Io): void {
  program
    .command('posture')
    .description('The posture now: the score 0–100 and each finding with its fix (counts only)')
    .option('--json', 'the report as JSON')
    .option('--snapshot', "also record today's snapshot for the trend, when none exists yet")
    .option('--fail-under <score>', 'exit with code 1 when the score is lower (for a monitoring check)')
    .action(async (options: { json?: boolean; snapshot?: boolean; failUnder?: string }) => {
      const threshold = options.failUnder === undefined ? null : Number(options.failUnder);
      if (threshold !== null && !(Number.isInteger(threshold) && threshold >= 0 && threshold <= 100)) throw new CliError('--fail-under must be a whole number from 0 to 100', 2, 'USAGE');
      const report = await withServices(async (services) => {
        await assertMigrated(services.database);
        const found = await postureReport(systemContext(services, 'cli.posture'));
        if (options.snapshot) await takePostureSnapshot(services);
        return found;
      });
      if (options.json) io.out(JSON.stringify({ ...report, generatedAt: new Date(report.generatedAt).toISOString() }));
      else {
        const failing = report.findings.filter((f) => !f.ok);
        io.out(`Posture score ${report.score}/100: ${failing.length === 0 ? 'nothing to fix' : `${failing.length} of ${report.findings.length} checks need attention`}.`);
        for (const f of failing) {
          io.out(`- [${f.severity}] ${f.title}: ${f.summary}`);
          io.out(`  Fix: ${f.fix.text}${f.fix.path ? ` (${f.fix.path})` : ''}`);
        }
      }
      if (threshold !== null && report.score < threshold) throw new CliError(`the posture score ${report.score} is under ${threshold}`, 1, 'POSTURE_UNDER');
    });
}

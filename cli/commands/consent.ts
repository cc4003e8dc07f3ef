/**
 * `confidant consent …`: what an administrator or the compliance officer scripts about
 * disclosures — the register as CSV (for the firm's records), consents ending soon, and the
 * reminder run on demand. Runs as the operator on the server (system actor, audited).
 */
import type { Command } from 'commander';
import { findDisclosures, findExpiringConsents, registerCsv, remindExpiringConsents } from '../../server/modules/consent/index.js';
import { isUuid } from '../../server/platform/ids.js';
import { CliError, withServices, type Io } from '../context.js';
import { operatorContext } from './keys.js';

const idOf = (value: string | undefined, what: string): string | undefined => {
  if (value !== undefined && !isUuid(value)) throw new CliError(`The ${what} id must be an id (UUID).`, 2);
  return value;
};

export function registerConsentCommands(program: Command, io: Io): void {
  const consent = program.command('consent').description('Consents and the disclosure register');

  consent
    .command('register')
    .description('The disclosure register as CSV on standard output (every client, or one)')
    .option('--client <id>', 'only this client')
    .option('--matter <id>', 'only this matter')
    .option('--passphrase-stdin', 'read the master passphrase from standard input')
    .action(async (options: { client?: string; matter?: string; passphraseStdin?: boolean }) => {
      await withServices(async (services) => {
        const ctx = await operatorContext(services, io, 'cli.consent', options);
        const clientId = idOf(options.client, 'client');
        const matterId = idOf(options.matter, 'matter');
        const views = await findDisclosures(ctx, { ...(clientId ? { clientId } : {}), ...(matterId ? { matterId } : {}) });
        io.out(registerCsv(views).trimEnd());
      });
    });

  consent
    .command('expiring')
    .description('Active consents ending within N days (id, client, end date)')
    .option('--days <n>', 'days ahead (1–365)', '30')
    .option('--passphrase-stdin', 'read the master passphrase from standard input')
    .action(async (options: { days: string; passphraseStdin?: boolean }) => {
      const days = Number(options.days);
      if (!Number.isInteger(days) || days < 1 || days > 365) throw new CliError('--days must be a whole number from 1 to 365.', 2);
      await withServices(async (services) => {
        const ctx = await operatorContext(services, io, 'cli.consent', options);
        const consents = await findExpiringConsents(ctx, days);
        if (consents.length === 0) io.out(`No consent ends within ${days} days.`);
        for (const c of consents) io.out(`${c.id}  client ${c.clientId}  ends ${new Date(c.validUntil ?? 0).toISOString().slice(0, 10)}`);
      });
    });

  consent
    .command('remind')
    .description('Mail each lead attorney the consents ending within 30 days now (the daily job does this too)')
    .option('--passphrase-stdin', 'read the master passphrase from standard input')
    .action(async (options: { passphraseStdin?: boolean }) => {
      await withServices(async (services) => {
        await operatorContext(services, io, 'cli.consent', options);
        io.out(`${await remindExpiringConsents(services)} reminder(s) sent.`);
      });
    });
}

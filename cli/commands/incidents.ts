/**
 * `confidant incidents list | show | regimes | remind`: what an administrator scripts around the
 * incident response (docs/incidents.md). The work itself (steps, scope, containment) is the
 * compliance officer's in the web app or the API, each act attributed to them.
 */
import type { Command } from 'commander';
import { findIncidents, getIncident, loadRegimes, remindIncidentDeadlines } from '../../server/modules/incidents/index.js';
import { CliError, withServices, type Io } from '../context.js';
import { operatorContext } from './keys.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function registerIncidentCommands(program: Command, io: Io): void {
  const incidents = program.command('incidents').description('Incident and breach response: list, show, regimes, deadline reminders');

  incidents
    .command('list')
    .description('Incidents, newest first (open ones unless --all), with the nearest notification deadline')
    .option('--all', 'closed ones too')
    .option('--json', 'as JSON')
    .action(async (options: { all?: boolean; json?: boolean }) => {
      const items = await withServices(async (services) => findIncidents(await operatorContext(services, io, 'cli.incidents', {}), options.all ? {} : { open: true }));
      if (options.json) io.out(JSON.stringify(items));
      else if (items.length === 0) io.out('No incidents.');
      else for (const i of items) io.out(`${i.number}  ${i.status.padEnd(10)}  ${i.severity.padEnd(8)}  ${i.title}${i.nextDeadline ? `  — next: ${i.nextDeadline.label}, due ${i.nextDeadline.dueAt} (${i.nextDeadline.state})` : ''}`);
    });

  incidents
    .command('show')
    .description('One incident as JSON: timeline, clocks, scope (ids and counts), containment, corrective actions')
    .argument('<id>', 'the incident id')
    .action(async (id: string) => {
      if (!UUID.test(id)) throw new CliError('the incident id must be an id (UUID)', 2, 'USAGE');
      const incident = await withServices(async (services) => getIncident(await operatorContext(services, io, 'cli.incidents', {}), id));
      io.out(JSON.stringify(incident, null, 2));
    });

  incidents
    .command('regimes')
    .description('The notification regimes loaded from their rule files, and their deadlines')
    .action(() => {
      for (const regime of loadRegimes()) {
        io.out(`${regime.id}: ${regime.name}`);
        for (const d of regime.deadlines) io.out(`  ${d.key}  ${d.hours} h${d.undueDelay ? ' (without undue delay: a prompt)' : ''}  ${d.label}`);
      }
    });

  incidents
    .command('remind')
    .description('Send the deadline reminders and escalations now (the hourly job does it too)')
    .action(async () => {
      const result = await withServices((services) => remindIncidentDeadlines(services));
      io.out(`Reminders sent: ${result.sent}.`);
    });
}

/**
 * `confidant portal …`: what an administrator scripts about a client's portal — list a client's
 * contacts (who can sign in to it, for which matters), and disable one at once (their sessions
 * end; an incident or a client's request). Runs as the operator on the server (system actor, audited).
 */
import type { Command } from 'commander';
import type { ClientId } from '../../common/ids.js';
import { disableContact, findContacts } from '../../server/modules/portal/index.js';
import { isUuid } from '../../server/platform/ids.js';
import { CliError, withServices, type Io } from '../context.js';
import { operatorContext } from './keys.js';

const idOf = (value: string, what: string): string => {
  if (!isUuid(value)) throw new CliError(`The ${what} id must be an id (UUID).`, 2);
  return value;
};

export function registerPortalCommands(program: Command, io: Io): void {
  const portal = program.command('portal').description("A client's portal contacts");

  portal
    .command('contacts')
    .description("A client's portal contacts: id, name, e-mail, status, matters")
    .requiredOption('--client <id>', 'the client')
    .option('--json', 'print JSON')
    .option('--passphrase-stdin', 'read the master passphrase from standard input')
    .action(async (options: { client: string; json?: boolean; passphraseStdin?: boolean }) => {
      const clientId = idOf(options.client, 'client') as ClientId;
      await withServices(async (services) => {
        const ctx = await operatorContext(services, io, 'cli.portal', options);
        const contacts = await findContacts(ctx, clientId);
        if (options.json) return io.out(JSON.stringify(contacts, null, 2));
        if (contacts.length === 0) io.out('This client has no portal contact.');
        for (const c of contacts) io.out(`${c.id}  ${c.name ?? '?'} <${c.email ?? '?'}>  ${c.status}  ${c.matterScope === 'all' ? 'all matters' : c.matters.map((m) => m.number ?? m.id).join(', ')}`);
      });
    });

  portal
    .command('disable')
    .description('Disable a portal contact now: their sessions end at once')
    .requiredOption('--contact <id>', "the contact's account id")
    .option('--passphrase-stdin', 'read the master passphrase from standard input')
    .action(async (options: { contact: string; passphraseStdin?: boolean }) => {
      const contactId = idOf(options.contact, 'contact');
      await withServices(async (services) => {
        const ctx = await operatorContext(services, io, 'cli.portal', options);
        const contact = await disableContact(ctx, contactId);
        io.out(`${contact.name ?? contact.id} is disabled; their sessions have ended.`);
      });
    });
}

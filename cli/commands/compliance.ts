/**
 * `confidant compliance …`: what an administrator scripts in the compliance program — policies
 * (add from a Markdown or PDF file, publish a new version, ask roles or people to acknowledge),
 * confidentiality agreements, training (import completions from CSV, status), access reviews
 * (open, run the deadline, export the evidence), the reminders and the summary counts. Runs as
 * the CLI's system actor, audited like anyone.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { RequestContext } from '../../server/platform/context.js';
import { isAppError } from '../../server/platform/errors.js';
import {
  complianceSummary,
  createAccessReview,
  createAckCampaign,
  createPolicy,
  exportAccessReviewCsv,
  findAccessReviews,
  findComplianceAgreements,
  findCompliancePolicies,
  findTrainingStatus,
  importCompletions,
  publishPolicyVersion,
  recordComplianceAgreement,
  runAccessReviewDeadlines,
  runComplianceReminders,
} from '../../server/modules/compliance/index.js';
import { findUserByEmailAddress } from '../../server/modules/identity/index.js';
import { CliError, withServices, type Io } from '../context.js';
import { operatorContext } from './keys.js';

type Options = { json?: boolean; passphraseStdin?: boolean };
const CONTEXT = 'cli.compliance';

/** Runs a service call, turning its AppError into a CLI error that names the fields (exit 2 for bad input). */
async function cliCall<T>(io: Io, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isAppError(error)) {
      for (const field of error.fields ?? []) io.err(`  ${field.path}: ${field.message}`);
      throw new CliError(`${error.code}: ${error.message}`, error.code === 'VALIDATION_FAILED' || error.code === 'TRAINING_IMPORT_INVALID' ? 2 : 1);
    }
    throw error;
  }
}

async function userIdOf(ctx: RequestContext, email: string): Promise<string> {
  const user = await findUserByEmailAddress(ctx, email);
  if (!user) throw new CliError(`No user with the e-mail address ${email}`, 2, 'USER_NOT_FOUND');
  return user.id;
}

function readFileOrFail(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new CliError(`Cannot read ${path}: ${error instanceof Error ? error.message.split('\n')[0] : 'unreadable'}`, 2, 'FILE_UNREADABLE');
  }
}

/** A .pdf file becomes a PDF version; anything else is Markdown text. */
function contentOf(path: string): { format: 'markdown'; text: string } | { format: 'pdf'; pdfBase64: string } {
  const bytes = readFileOrFail(path);
  return path.toLowerCase().endsWith('.pdf') ? { format: 'pdf', pdfBase64: bytes.toString('base64') } : { format: 'markdown', text: bytes.toString('utf8') };
}

const list = (value: string): string[] => value.split(',').map((v) => v.trim()).filter((v) => v !== '');

export function registerComplianceCommands(program: Command, io: Io): void {
  const compliance = program.command('compliance').description('The compliance program: policies, agreements, training, access reviews');
  const withCtx = (options: Options, work: (ctx: RequestContext) => Promise<void>) =>
    withServices(async (services) => {
      const ctx = await operatorContext(services, io, CONTEXT, options);
      await work(ctx);
    });
  const print = (options: Options, value: unknown, text: () => void) => (options.json ? io.out(JSON.stringify(value, null, 2)) : text());

  // ── policies ──
  const policy = compliance.command('policy').description('Versioned policies and acknowledgement campaigns');
  policy
    .command('list')
    .description('Every policy with its version, next review and acknowledgements')
    .option('--json', 'print JSON')
    .option('--passphrase-stdin', 'read the master passphrase from standard input')
    .action(async (options: Options) =>
      withCtx(options, async (ctx) => {
        const policies = await cliCall(io, () => findCompliancePolicies(ctx));
        print(options, policies, () => {
          if (policies.length === 0) io.out('No policies yet.');
          for (const p of policies) io.out(`${p.id}  v${p.currentVersion}  ${p.required ? 'required  ' : 'optional  '}review ${p.nextReviewDue ?? '-'}${p.reviewOverdue ? ' (overdue)' : ''}  ${p.acknowledged}/${p.asked} acknowledged  ${p.title}  [${p.status}]`);
        });
      }),
    );
  policy
    .command('add')
    .description('Add a policy from a Markdown (.md) or PDF (.pdf) file')
    .requiredOption('--title <title>', 'what the policy is called')
    .requiredOption('--owner <email>', 'the owner, by e-mail address')
    .requiredOption('--file <path>', 'the policy text (.md) or file (.pdf)')
    .option('--required', 'the "current policies acknowledged" gate asks everyone for it')
    .option('--review-days <n>', 'days between reviews (default 365)')
    .option('--json', 'print JSON')
    .option('--passphrase-stdin', 'read the master passphrase from standard input')
    .action(async (options: Options & { title: string; owner: string; file: string; required?: boolean; reviewDays?: string }) =>
      withCtx(options, async (ctx) => {
        const reviewCycleDays = options.reviewDays === undefined ? undefined : Number(options.reviewDays);
        if (reviewCycleDays !== undefined && (!Number.isInteger(reviewCycleDays) || reviewCycleDays < 1)) throw new CliError('--review-days must be a whole number of days', 2);
        const created = await cliCall(io, async () => createPolicy(ctx, { title: options.title, ownerUserId: await userIdOf(ctx, options.owner), required: options.required ?? false, ...(reviewCycleDays ? { reviewCycleDays } : {}), content: contentOf(options.file) }));
        print(options, created, () => io.out(`Policy ${created.id} added (version 1, next review ${created.nextReviewDue}).`));
      }),
    );
  policy
    .command('publish <policyId>')
    .description('Publish a new version from a file (it becomes current)')
    .requiredOption('--file <path>', 'the new text (.md) or file (.pdf)')
    .option('--note <text>', 'what changed')
    .option('--json', 'print JSON')
    .option('--passphrase-stdin', 'read the master passphrase from standard input')
    .action(async (policyId: string, options: Options & { file: string; note?: string }) =>
      withCtx(options, async (ctx) => {
        const published = await cliCall(io, () => publishPolicyVersion(ctx, policyId, { content: contentOf(options.file), changeNote: options.note ?? null }));
        print(options, published, () => io.out(`Policy ${published.id} is now at version ${published.currentVersion}.`));
      }),
    );
  policy
    .command('ask <policyId>')
    .description('Ask roles and/or people to acknowledge the current version (each is mailed)')
    .requiredOption('--due <day>', 'the deadline, YYYY-MM-DD')
    .option('--roles <roles>', 'comma-separated firm roles, e.g. attorney,paralegal,staff')
    .option('--people <emails>', 'comma-separated e-mail addresses')
    .option('--json', 'print JSON')
    .option('--passphrase-stdin', 'read the master passphrase from standard input')
    .action(async (policyId: string, options: Options & { due: string; roles?: string; people?: string }) =>
      withCtx(options, async (ctx) => {
        const userIds: string[] = [];
        for (const email of list(options.people ?? '')) userIds.push(await userIdOf(ctx, email));
        const campaign = await cliCall(io, () => createAckCampaign(ctx, policyId, { roles: list(options.roles ?? '') as never, userIds, dueDate: options.due }));
        print(options, campaign, () => io.out(`Asked ${campaign.asked} people to acknowledge version ${campaign.version} by ${campaign.due}.`));
      }),
    );

  // ── agreements ──
  const agreement = compliance.command('agreement').description('Confidentiality agreements');
  agreement
    .command('list')
    .description('Agreements on file with their status')
    .option('--json', 'print JSON')
    .option('--passphrase-stdin', 'read the master passphrase from standard input')
    .action(async (options: Options) =>
      withCtx(options, async (ctx) => {
        const agreements = await cliCall(io, () => findComplianceAgreements(ctx));
        print(options, agreements, () => {
          if (agreements.length === 0) io.out('No agreements on file.');
          for (const a of agreements) io.out(`${a.id}  ${a.status.padEnd(8)}  ${a.person.name} (${a.party})  signed ${a.signedOn}  ends ${a.expiresOn ?? '-'}  ${a.title}`);
        });
      }),
    );
  agreement
    .command('add')
    .description('Record a signed agreement')
    .requiredOption('--person <email>', 'whose agreement, by e-mail address')
    .requiredOption('--title <title>', 'e.g. "Confidentiality agreement 2026"')
    .requiredOption('--signed <day>', 'the day it was signed, YYYY-MM-DD')
    .option('--party <kind>', 'employee, contractor or vendor', 'employee')
    .option('--expires <day>', 'the last day it holds, YYYY-MM-DD')
    .option('--file <pdf>', 'the signed document (PDF)')
    .option('--json', 'print JSON')
    .option('--passphrase-stdin', 'read the master passphrase from standard input')
    .action(async (options: Options & { person: string; title: string; signed: string; party: string; expires?: string; file?: string }) =>
      withCtx(options, async (ctx) => {
        if (!['employee', 'contractor', 'vendor'].includes(options.party)) throw new CliError('--party must be employee, contractor or vendor', 2);
        const document = options.file ? { name: options.file.split('/').at(-1) ?? 'agreement.pdf', pdfBase64: readFileOrFail(options.file).toString('base64') } : null;
        const recorded = await cliCall(io, async () => recordComplianceAgreement(ctx, { userId: await userIdOf(ctx, options.person), party: options.party as 'employee', title: options.title, signedDate: options.signed, expiresDate: options.expires ?? null, document }));
        print(options, recorded, () => io.out(`Agreement ${recorded.id} recorded for ${recorded.person.name} (${recorded.status}).`));
      }),
    );

  // ── training ──
  const training = compliance.command('training').description('Training courses and completions');
  training
    .command('import <file>')
    .description('Import completions from CSV (header email,course,completed,score): all rows or none; each bad row is printed with its line number')
    .option('--json', 'print JSON')
    .option('--passphrase-stdin', 'read the master passphrase from standard input')
    .action(async (file: string, options: Options) =>
      withCtx(options, async (ctx) => {
        const result = await cliCall(io, () => importCompletions(ctx, readFileOrFail(file).toString('utf8')));
        print(options, result, () => io.out(`Imported ${result.imported} completion(s): ${result.passed} passed, ${result.failed} below the pass mark.`));
      }),
    );
  training
    .command('status')
    .description('Everyone’s state in each course of their role')
    .option('--behind', 'only overdue and expired')
    .option('--json', 'print JSON')
    .option('--passphrase-stdin', 'read the master passphrase from standard input')
    .action(async (options: Options & { behind?: boolean }) =>
      withCtx(options, async (ctx) => {
        const states = (await cliCall(io, () => findTrainingStatus(ctx))).filter((s) => !options.behind || s.state === 'overdue' || s.state === 'expired');
        print(options, states, () => {
          if (states.length === 0) io.out(options.behind ? 'Nobody is behind.' : 'No courses apply to anyone yet.');
          for (const s of states) io.out(`${s.state.padEnd(8)}  due ${s.dueOn ?? '-'}  ${s.person.name} (${s.role})  ${s.course.title}`);
        });
      }),
    );

  // ── access reviews ──
  const review = compliance.command('review').description('Access reviews');
  review
    .command('list')
    .description('Campaigns with their counts')
    .option('--json', 'print JSON')
    .option('--passphrase-stdin', 'read the master passphrase from standard input')
    .action(async (options: Options) =>
      withCtx(options, async (ctx) => {
        const reviews = await cliCall(io, () => findAccessReviews(ctx));
        print(options, reviews, () => {
          if (reviews.length === 0) io.out('No access reviews yet.');
          for (const r of reviews) io.out(`${r.id}  ${r.status.padEnd(6)}  due ${r.due}  ${r.kept} kept, ${r.revoked} revoked, ${r.undecided} undecided of ${r.items}  ${r.title}`);
        });
      }),
    );
  review
    .command('start')
    .description('Open a campaign over every current team seat and client grant')
    .requiredOption('--title <title>', 'e.g. "Q1 2027 access review"')
    .requiredOption('--due <day>', 'the deadline, YYYY-MM-DD: what is not certified by then is revoked')
    .option('--json', 'print JSON')
    .option('--passphrase-stdin', 'read the master passphrase from standard input')
    .action(async (options: Options & { title: string; due: string }) =>
      withCtx(options, async (ctx) => {
        const created = await cliCall(io, () => createAccessReview(ctx, { title: options.title, dueDate: options.due }));
        print(options, created, () => io.out(`Access review ${created.id} opened: ${created.items} item(s) to certify by ${created.due}.`));
      }),
    );
  review
    .command('export <reviewId>')
    .description('The campaign’s evidence as CSV')
    .option('--out <file>', 'write to this file instead of standard output')
    .option('--passphrase-stdin', 'read the master passphrase from standard input')
    .action(async (reviewId: string, options: Options & { out?: string }) =>
      withCtx(options, async (ctx) => {
        const csv = await cliCall(io, () => exportAccessReviewCsv(ctx, reviewId));
        if (options.out) {
          writeFileSync(options.out, csv, { mode: 0o600 });
          io.out(`Evidence written to ${options.out}.`);
        } else io.out(csv.trimEnd());
      }),
    );
  review
    .command('run-deadlines')
    .description('Revoke now what was not certified by its deadline (the hourly job does this too)')
    .option('--json', 'print JSON')
    .option('--passphrase-stdin', 'read the master passphrase from standard input')
    .action(async (options: Options) =>
      withServices(async (services) => {
        await operatorContext(services, io, CONTEXT, options);
        const result = await runAccessReviewDeadlines(services).catch((error: unknown) => {
          throw new CliError(error instanceof Error ? error.message : 'the deadline run failed', 1, 'ACCESS_REVIEW_FAILED');
        });
        print(options, result, () => io.out(`Revoked ${result.revoked} item(s); closed ${result.closed} campaign(s).`));
      }),
    );

  // ── reminders and summary ──
  compliance
    .command('remind')
    .description('Send the reminders due now (the daily job does this too; nobody is mailed twice for the same thing)')
    .option('--json', 'print JSON')
    .option('--passphrase-stdin', 'read the master passphrase from standard input')
    .action(async (options: Options) =>
      withServices(async (services) => {
        await operatorContext(services, io, CONTEXT, options);
        const result = await runComplianceReminders(services).catch((error: unknown) => {
          throw new CliError(error instanceof Error ? error.message : 'the reminders failed', 1, 'REMINDERS_FAILED');
        });
        print(options, result, () => io.out(`Sent ${result.sent} reminder(s).`));
      }),
    );
  compliance
    .command('summary')
    .description('Counts: agreements, training, policies, access reviews')
    .option('--json', 'print JSON')
    .option('--passphrase-stdin', 'read the master passphrase from standard input')
    .action(async (options: Options) =>
      withCtx(options, async (ctx) => {
        const s = await cliCall(io, () => complianceSummary(ctx));
        print(options, s, () => {
          io.out(`Agreements: ${s.agreements.withoutCurrent} of ${s.agreements.staff} staff without a current one (${s.agreements.expired} expired), ${s.agreements.expiring} ending within 30 days.`);
          io.out(`Training: ${s.training.overdue} overdue, ${s.training.expired} expired, ${s.training.dueSoon} due soon (${s.training.peopleBehind} people behind).`);
          io.out(`Policies: ${s.policies.required} required; ${s.policies.peopleMissing} people missing an acknowledgement; ${s.policies.pendingAcknowledgements} pending; ${s.policies.reviewsOverdue} reviews overdue.`);
          io.out(`Access reviews: ${s.accessReviews.openCampaigns} open, ${s.accessReviews.undecided} items undecided (${s.accessReviews.overdue} past the deadline).`);
        });
      }),
    );
}

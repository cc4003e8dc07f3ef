/**
 * An incident's notifications: letters to a client, a regulator or the people affected, drafted
 * from a template (templates/*.md), edited, approved by an incident manager, sent by mail with
 * the delivery status recorded, and kept with the incident (also as PDF). A client's letter —
 * recipient, subject and body — is sealed under that client's key: it names the client and what
 * was involved. Every step is audited (`incident.notification.*`, ids only).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import PDFDocument from 'pdfkit';
import type { ClientId } from '../../../common/ids.js';
import { requireAccess } from '../../access/index.js';
import { recordEvent } from '../../audit/index.js';
import { inTransaction, type RequestContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { fieldSealing, type Sealer } from '../keys/index.js';
import { findNotifications, getNotification, insertNotification, updateNotification } from './incidents.repository.js';
import { incidentFor } from './incidents.service.js';
import type { IncidentNotificationsTable, IncidentsTable, NotificationAudience, NotificationStatus } from './incidents.tables.js';
import type { FrozenScope } from './scope.labels.js';

/** The incidents module's scheme: never change these strings (every sealed letter depends on them). */
const LETTER_FIELDS = fieldSealing({ keyInfo: 'confidant/incident-fields/v1', aadLabel: 'confidant/incident-field/v1' });
const TABLE = 'incident_notifications';
/** The fields of a client's letter sealed under the client's key. */
type SealedField = 'recipient_name' | 'recipient_email' | 'subject' | 'body';

const HERE = dirname(fileURLToPath(import.meta.url));
const templateOf = (audience: NotificationAudience): string => readFileSync(join(HERE, 'templates', `${audience}.md`), 'utf8');

const actorOf = (ctx: RequestContext): string => (ctx.actor.kind === 'user' ? ctx.actor.userId : ctx.actor.kind === 'system' ? `system:${ctx.actor.name}` : 'anonymous');
const iso = (at: number | null) => (at === null ? null : new Date(at).toISOString());
const day = (at: number) => new Date(at).toISOString().slice(0, 10);
/** One event per step, on the incident (the letter's id in the reason: ids only). */
const event = (tx: RequestContext, action: string, incidentId: string, notificationId: string, reason?: string) => recordEvent(tx, { action, outcome: 'allowed', reason: `${notificationId}${reason ? `:${reason}` : ''}`, resources: { other: { type: 'incident', id: incidentId } } });

/** Fills a template: `{{name}}` from `values`; the first line `Subject: …` becomes the subject. */
export function renderLetter(template: string, values: Record<string, string>): { subject: string; body: string } {
  const filled = template.replace(/\{\{(\w+)\}\}/g, (_, key: string) => values[key] ?? `[${key}]`);
  const [first, ...rest] = filled.split('\n');
  const subject = (first ?? '').replace(/^Subject:\s*/, '').trim();
  return { subject, body: rest.join('\n').replace(/^\n+/, '') };
}

export interface NotificationInput {
  audience: NotificationAudience;
  /** For a client's letter: the client (sealed under their key). */
  clientId?: string;
  recipientName: string;
  recipientEmail: string;
  /** `regime:deadline` the letter answers. */
  deadline?: string;
}

export interface NotificationView {
  id: string;
  audience: NotificationAudience;
  clientId: string | null;
  deadline: string | null;
  recipientName: string;
  recipientEmail: string;
  subject: string;
  body: string;
  status: NotificationStatus;
  draftedBy: string;
  draftedAt: string;
  approvedBy: string | null;
  approvedAt: string | null;
  sentAt: string | null;
  errorCode: string | null;
}

async function sealerFor(ctx: RequestContext, clientId: string | null, version?: number): Promise<{ sealer: Sealer | null }> {
  if (clientId === null) return { sealer: null };
  // The compliance officer's oversight of the client (incident.manage names a target); never its matters' data.
  const auth = await requireAccess(ctx, 'incident.manage', { kind: 'client', clientId: clientId as ClientId });
  const sealer = version === undefined ? await LETTER_FIELDS.forWrite(ctx, auth) : await LETTER_FIELDS.forRead(ctx, auth, version);
  return { sealer };
}

async function view(ctx: RequestContext, row: IncidentNotificationsTable): Promise<NotificationView> {
  const { sealer } = await sealerFor(ctx, row.client_id, row.key_version ?? undefined);
  const open = (field: SealedField) => (sealer ? sealer.open(TABLE, row.id, field, row[field]) : row[field]);
  return {
    id: row.id,
    audience: row.audience,
    clientId: row.client_id,
    deadline: row.deadline,
    recipientName: open('recipient_name'),
    recipientEmail: open('recipient_email'),
    subject: open('subject'),
    body: open('body'),
    status: row.status,
    draftedBy: row.drafted_by,
    draftedAt: iso(row.drafted_at)!,
    approvedBy: row.approved_by,
    approvedAt: iso(row.approved_at),
    sentAt: iso(row.sent_at),
    errorCode: row.error_code,
  };
}

const field = (path: string, message: string) => new AppError('VALIDATION_FAILED', `${path.replace(/^body\./, '')} ${message}`, [{ path, message }]);
const stateError = (message: string) => new AppError('INCIDENT_STATE', message);

function valuesFor(ctx: RequestContext, incident: IncidentsTable, recipient: string): Record<string, string> {
  const scope = incident.scope ? (JSON.parse(incident.scope) as FrozenScope) : null;
  return {
    firm: ctx.app.config.retention.firmName,
    number: incident.number,
    awareAt: day(incident.aware_at),
    recipient,
    clients: scope ? String(scope.clients.length) : '[to be assessed]',
    matters: scope ? String(scope.matters.length) : '[to be assessed]',
    documents: scope ? String(scope.documents.length) : '[to be assessed]',
  };
}

/** Drafts a letter from the audience's template. 400 naming the field; a client letter needs `clientId`. */
export async function draftNotification(ctx: RequestContext, incidentId: string, input: NotificationInput): Promise<NotificationView> {
  const { row: incident } = await incidentFor(ctx, incidentId, { manage: true });
  if (input.audience === 'client' && !input.clientId) throw field('body.clientId', 'is needed for a letter to a client');
  if (input.audience !== 'client' && input.clientId) throw field('body.clientId', 'is only for a letter to a client');
  if (incident.status === 'closed') throw stateError('The incident is closed');
  const { sealer } = await sealerFor(ctx, input.clientId ?? null);
  const letter = renderLetter(templateOf(input.audience), valuesFor(ctx, incident, input.recipientName));
  return inTransaction(ctx, async (tx) => {
    const id = newId();
    const now = tx.app.clock.now();
    const seal = (name: SealedField, value: string) => (sealer ? sealer.seal(TABLE, id, name, value) : value);
    const row: IncidentNotificationsTable = {
      id,
      incident_id: incidentId,
      audience: input.audience,
      client_id: input.clientId ?? null,
      key_version: sealer ? sealer.version : null,
      deadline: input.deadline ?? null,
      recipient_name: seal('recipient_name', input.recipientName),
      recipient_email: seal('recipient_email', input.recipientEmail),
      subject: seal('subject', letter.subject),
      body: seal('body', letter.body),
      status: 'draft',
      drafted_by: actorOf(tx),
      drafted_at: now,
      approved_by: null,
      approved_at: null,
      sent_at: null,
      error_code: null,
      updated_at: now,
    };
    await insertNotification(tx, row);
    await event(tx, 'incident.notification.draft', incidentId, id, input.audience);
    return view(tx, row);
  });
}

async function notificationOf(ctx: RequestContext, incidentId: string, id: string): Promise<IncidentNotificationsTable> {
  await incidentFor(ctx, incidentId, { manage: true });
  const row = await getNotification(ctx, incidentId, id);
  if (!row) throw new AppError('NOT_FOUND', 'No such notification on this incident');
  return row;
}

/** Edits a draft (subject and body); an approved or sent letter is not changed (409). */
export async function editNotification(ctx: RequestContext, incidentId: string, id: string, input: { subject?: string; body?: string }): Promise<NotificationView> {
  const row = await notificationOf(ctx, incidentId, id);
  if (row.status !== 'draft') throw stateError('Only a draft can be changed: this letter was approved');
  const { sealer } = await sealerFor(ctx, row.client_id, row.key_version ?? undefined);
  const seal = (name: SealedField, value: string) => (sealer ? sealer.seal(TABLE, id, name, value) : value);
  return inTransaction(ctx, async (tx) => {
    const changes: Partial<IncidentNotificationsTable> = { updated_at: tx.app.clock.now() };
    if (input.subject !== undefined) changes.subject = seal('subject', input.subject);
    if (input.body !== undefined) changes.body = seal('body', input.body);
    if (!(await updateNotification(tx, id, ['draft'], changes))) throw stateError('The letter changed meanwhile: reload it');
    await event(tx, 'incident.notification.edit', incidentId, id);
    return view(tx, { ...row, ...changes });
  });
}

/** Approves a draft for sending (an incident manager; who approved is kept with it). */
export async function approveNotification(ctx: RequestContext, incidentId: string, id: string): Promise<NotificationView> {
  const row = await notificationOf(ctx, incidentId, id);
  return inTransaction(ctx, async (tx) => {
    const changes = { status: 'approved' as const, approved_by: actorOf(tx), approved_at: tx.app.clock.now(), updated_at: tx.app.clock.now() };
    if (!(await updateNotification(tx, id, ['draft'], changes))) throw stateError(row.status === 'draft' ? 'The letter changed meanwhile: reload it' : 'This letter is approved already');
    await event(tx, 'incident.notification.approve', incidentId, id);
    return view(tx, { ...row, ...changes });
  });
}

/** Sends an approved letter by mail (again after a failure); the delivery status is kept: `sent`, or `failed` with its code. */
export async function sendNotification(ctx: RequestContext, incidentId: string, id: string): Promise<NotificationView> {
  const row = await notificationOf(ctx, incidentId, id);
  if (row.status !== 'approved' && row.status !== 'failed') throw stateError(row.status === 'draft' ? 'Approve the letter before sending it' : 'This letter was sent already');
  const letter = await view(ctx, row);
  let error: string | null = null;
  try {
    await ctx.app.mailer.send({ to: letter.recipientEmail, subject: letter.subject, text: letter.body });
  } catch {
    error = 'MAIL_FAILED';
  }
  return inTransaction(ctx, async (tx) => {
    const now = tx.app.clock.now();
    const changes: Partial<IncidentNotificationsTable> = error ? { status: 'failed', error_code: error, updated_at: now } : { status: 'sent', sent_at: now, error_code: null, updated_at: now };
    if (!(await updateNotification(tx, id, ['approved', 'failed'], changes))) throw stateError('The letter changed meanwhile: reload it');
    await event(tx, 'incident.notification.send', incidentId, id, error ?? 'sent');
    return view(tx, { ...row, ...changes });
  });
}

/** The incident's letters, opened for the compliance officer. */
export async function findIncidentNotifications(ctx: RequestContext, incidentId: string): Promise<NotificationView[]> {
  await incidentFor(ctx, incidentId, { manage: true });
  const rows = await findNotifications(ctx, incidentId);
  const out: NotificationView[] = [];
  for (const row of rows) out.push(await view(ctx, row));
  return out;
}

/** A letter as PDF (the copy kept with the incident). */
export async function notificationPdf(ctx: RequestContext, incidentId: string, id: string): Promise<Buffer> {
  const letter = await view(ctx, await notificationOf(ctx, incidentId, id));
  await recordEvent(ctx, { action: 'incident.notification.pdf', outcome: 'allowed', resources: { other: { type: 'incident_notification', id } } });
  const doc = new PDFDocument({ size: 'A4', margin: 56, info: { Title: letter.subject, Creator: 'Confidant' } });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.font('Helvetica').fontSize(9).text(`${letter.recipientName} <${letter.recipientEmail}>`);
  doc.text(letter.sentAt ? `Sent ${letter.sentAt.slice(0, 16).replace('T', ' ')} UTC` : `Status: ${letter.status}`);
  doc.moveDown();
  doc.font('Helvetica-Bold').fontSize(12).text(letter.subject);
  doc.moveDown();
  doc.font('Helvetica').fontSize(10).text(letter.body);
  doc.end();
  return done;
}

/** TypeBox schemas of the incidents routes. */
import { Type, type TSchema } from 'typebox';
import { MAX_TIME_MS } from '../../platform/http/schema-limits.js';
import { UUID_PATTERN } from '../../platform/ids.js';

const Id = Type.String({ pattern: UUID_PATTERN });
const Text = (max: number, description: string) => Type.String({ minLength: 1, maxLength: max, description });
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Time = (description: string) => Type.Integer({ minimum: 0, maximum: MAX_TIME_MS, description });
const Person = Type.Object({ id: Type.String(), name: Type.String() });
const DateTime = Type.String({ format: 'date-time' });

export const StatusSchema = Type.Union([Type.Literal('reported'), Type.Literal('triaged'), Type.Literal('contained'), Type.Literal('assessed'), Type.Literal('notified'), Type.Literal('remediated'), Type.Literal('closed')], { description: 'reported → triaged → contained → assessed → notified → remediated → closed' });
export const SeveritySchema = Type.Union([Type.Literal('low'), Type.Literal('medium'), Type.Literal('high'), Type.Literal('critical')]);

export const IdParams = Type.Object({ id: Id });
export const ContainmentParams = Type.Object({ id: Id, containmentId: Id });
export const ActionParams = Type.Object({ id: Id, actionId: Id });

export const ReportBody = Type.Object(
  {
    title: Text(200, 'What happened, in a line (no client names: the incident is read by the response team)'),
    description: Text(10_000, 'What you saw, when, and what you did'),
    severity: Type.Optional(SeveritySchema),
    occurredAt: Type.Optional(Time('When it happened, if known (epoch ms)')),
    awareAt: Type.Optional(Time('When the firm became aware (epoch ms; default now): the notification deadlines run from here')),
  },
  { additionalProperties: false },
);
export const FromAlertBody = Type.Object({ alertId: Id }, { additionalProperties: false });
export const IncidentsQuery = Type.Object({ status: Type.Optional(StatusSchema), open: Type.Optional(Type.Boolean({ description: 'Only incidents not closed' })) }, { additionalProperties: false });
export const AdvanceBody = Type.Object({ to: StatusSchema, note: Type.Optional(Text(4000, 'Why, and what was done')) }, { additionalProperties: false });
export const NoteBody = Type.Object({ text: Text(4000, 'A note for the timeline') }, { additionalProperties: false });
export const RegimesBody = Type.Object({ regimes: Type.Array(Type.String({ pattern: '^[a-z0-9_]{1,40}$' }), { maxItems: 20 }) }, { additionalProperties: false });
export const ScopeBody = Type.Object(
  {
    actorIds: Type.Array(Id, { maxItems: 50, description: 'The people whose accounts were compromised or misused' }),
    ipRange: Type.Optional(Type.String({ minLength: 2, maxLength: 64, description: 'An address, or an IPv4 range on an octet boundary (203.0.113.0/24)' })),
    since: Time('Start of the window (epoch ms)'),
    until: Time('End of the window (epoch ms)'),
  },
  { additionalProperties: false },
);
export const ContainBody = Type.Object({ action: Type.Union([Type.Literal('disable_account'), Type.Literal('end_sessions'), Type.Literal('revoke_disclosures')], { description: 'disable_account: the account is disabled and its sessions, tokens and links end (reversible); end_sessions: every session and token ends now; revoke_disclosures: every disclosure the person requested that is pending, ready or executed is revoked (share links end)' }), userId: Id }, { additionalProperties: false });
export const CorrectiveBody = Type.Object({ title: Text(500, 'What will be done'), assigneeId: Id, dueOn: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' }) }, { additionalProperties: false });

const Deadline = Nullable(Type.Object({ label: Type.String(), dueAt: DateTime, state: Type.String() }));
export const IncidentSummarySchema = Type.Object({
  id: Type.String(),
  number: Type.String(),
  title: Type.String(),
  severity: SeveritySchema,
  status: StatusSchema,
  source: Type.String(),
  reportedBy: Person,
  reportedAt: DateTime,
  awareAt: DateTime,
  nextDeadline: Deadline,
});
export const IncidentList = Type.Object({ items: Type.Array(IncidentSummarySchema) });

const Ref = Type.Object({ id: Type.String(), label: Type.String() });
const ScopeSchema = Type.Object({
  actorIds: Type.Array(Type.String()),
  actors: Type.Array(Person),
  ipRange: Nullable(Type.String()),
  since: Type.Number(),
  until: Type.Number(),
  computedAt: Type.Number(),
  events: Type.Integer(),
  firstIndex: Nullable(Type.Integer()),
  lastIndex: Nullable(Type.Integer()),
  clients: Type.Array(Ref, { description: 'Names only where the viewer may open the client' }),
  matters: Type.Array(Ref, { description: 'The number always; the title only where the viewer may open the matter' }),
  documents: Type.Array(Type.String()),
  counts: Type.Object({ clients: Type.Integer(), matters: Type.Integer(), documents: Type.Integer() }),
  byClassification: Type.Record(Type.String(), Type.Integer()),
  privileged: Type.Integer(),
  truncated: Type.Boolean(),
  labelled: Type.Integer(),
});

export const IncidentSchema = Type.Object({
  ...IncidentSummarySchema.properties,
  description: Type.String(),
  occurredAt: Nullable(DateTime),
  closedAt: Nullable(DateTime),
  viewer: Type.Union([Type.Literal('manage'), Type.Literal('reporter')]),
  timeline: Type.Array(Type.Object({ kind: Type.String(), status: Nullable(StatusSchema), note: Nullable(Type.String()), detail: Type.Record(Type.String(), Type.Unknown()), by: Person, at: DateTime })),
  regimes: Type.Array(Type.String()),
  clocks: Type.Array(Type.Object({ regime: Type.String(), key: Type.String(), label: Type.String(), notify: Type.String(), citation: Type.String(), undueDelay: Type.Boolean(), dueAt: DateTime, remainingMs: Type.Number(), state: Type.String() })),
  scope: Nullable(ScopeSchema),
  scopeFrozenAt: Nullable(DateTime),
  containments: Type.Array(Type.Object({ id: Type.String(), action: Type.String(), target: Person, result: Type.Record(Type.String(), Type.Unknown()), executedBy: Person, executedAt: DateTime, reversedBy: Nullable(Person), reversedAt: Nullable(DateTime) })),
  actions: Type.Array(Type.Object({ id: Type.String(), title: Type.String(), assignee: Person, dueOn: Type.String(), overdue: Type.Boolean(), doneAt: Nullable(DateTime), doneBy: Nullable(Person) })),
});

export const NotificationParams = Type.Object({ id: Id, notificationId: Id });
export const AudienceSchema = Type.Union([Type.Literal('client'), Type.Literal('regulator'), Type.Literal('data_subjects')], { description: 'client: a letter to a client (sealed under its key); regulator: the supervisory authority; data_subjects: the people affected' });
export const NotificationBody = Type.Object(
  {
    audience: AudienceSchema,
    clientId: Type.Optional(Id),
    recipientName: Text(200, 'Who the letter is addressed to'),
    recipientEmail: Type.String({ format: 'email', maxLength: 320 }),
    deadline: Type.Optional(Type.String({ pattern: '^[a-z0-9_]{1,40}:[a-z0-9_]{1,40}$', description: 'The regime:deadline the letter answers, e.g. gdpr:art33_authority' })),
  },
  { additionalProperties: false },
);
export const NotificationPatchBody = Type.Object({ subject: Type.Optional(Text(300, 'The subject line')), body: Type.Optional(Text(20_000, 'The letter')) }, { additionalProperties: false, minProperties: 1 });
export const NotificationSchema = Type.Object({
  id: Type.String(),
  audience: AudienceSchema,
  clientId: Nullable(Type.String()),
  deadline: Nullable(Type.String()),
  recipientName: Type.String(),
  recipientEmail: Type.String(),
  subject: Type.String(),
  body: Type.String(),
  status: Type.Union([Type.Literal('draft'), Type.Literal('approved'), Type.Literal('sent'), Type.Literal('failed')]),
  draftedBy: Type.String(),
  draftedAt: DateTime,
  approvedBy: Nullable(Type.String()),
  approvedAt: Nullable(DateTime),
  sentAt: Nullable(DateTime),
  errorCode: Nullable(Type.String()),
});
export const NotificationList = Type.Object({ items: Type.Array(NotificationSchema) });

export const RegimeList = Type.Object({
  items: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), appliesWhen: Type.String(), deadlines: Type.Array(Type.Object({ key: Type.String(), label: Type.String(), notify: Type.String(), hours: Type.Integer(), undueDelay: Type.Optional(Type.Boolean()), citation: Type.String() })) })),
});

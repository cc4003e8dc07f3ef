/** TypeBox schemas of the retention module's routes (they also feed the OpenAPI document). */
import { Type, type TSchema } from 'typebox';
import type { ClientId, DocumentId, MatterId } from '../../../common/ids.js';
import { branded } from '../../platform/http/branded.js';
import { UUID_PATTERN } from '../../platform/ids.js';

const Id = Type.String({ pattern: UUID_PATTERN });
const Text = (max: number, description?: string) => Type.String({ minLength: 1, maxLength: max, ...(description ? { description } : {}) });
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const items = <T extends TSchema>(schema: T) => Type.Object({ items: Type.Array(schema) });
/** A calendar day, UTC. */
const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'A day, YYYY-MM-DD (UTC)' });
const Days = (description: string) => Type.Integer({ minimum: 0, maximum: 36_500, description });

export const ClientIdParams = Type.Object({ clientId: branded<ClientId>(Id) });
export const IdParams = Type.Object({ id: Id });

const Person = Type.Object({ id: Type.String(), name: Type.String() });
const ClientRef = Type.Object({ id: Type.String(), label: Type.String({ description: 'The client number and name, or a neutral label where the name is not the viewer’s to see' }) });
const MatterRef = Type.Object({ id: Type.String(), label: Type.String({ description: 'The matter number (and title for its team)' }) });

// ── schedules and legal minimums ──

export const TriggerSchema = Type.Union([Type.Literal('matter_closed'), Type.Literal('client_ended'), Type.Literal('document_superseded'), Type.Literal('fixed_date')], {
  description: 'matter_closed: from the day the matter closed; client_ended: from the end of the client relationship; document_superseded: older versions of a document, from the day the next version replaced them; fixed_date: on a given day',
});
export const ActionSchema = Type.Union([Type.Literal('destroy'), Type.Literal('anonymise'), Type.Literal('review')], { description: 'What happens when due (always after review and approval): destroy, anonymise (keep the matter shells, remove content and personal data), or review (the reviewer decides)' });

export const ScheduleBody = Type.Object(
  {
    name: Text(200, 'What the schedule is called (firm text)'),
    practiceArea: Type.Optional(Nullable(Text(100, 'Matters of this practice area only (absent: any)'))),
    jurisdiction: Type.Optional(Nullable(Text(100, 'Matters of this jurisdiction only (absent: any)'))),
    trigger: TriggerSchema,
    fixedDate: Type.Optional(Nullable(Day)),
    periodDays: Days('How long after the trigger the item is kept, in days'),
    action: ActionSchema,
  },
  { additionalProperties: false },
);

export const SchedulePatchBody = Type.Partial(ScheduleBody, { additionalProperties: false });

export const ScheduleSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  practiceArea: Nullable(Type.String()),
  jurisdiction: Nullable(Type.String()),
  trigger: TriggerSchema,
  fixedDate: Nullable(Type.String()),
  periodDays: Type.Integer(),
  /** The period actually applied: never below the legal minimum for the schedule's matters. */
  effectiveDays: Type.Integer({ description: 'The period applied: the schedule’s, or the legal minimum where that is longer' }),
  action: ActionSchema,
  status: Type.Union([Type.Literal('active'), Type.Literal('retired')]),
  createdBy: Person,
  createdAt: Type.Number(),
  updatedAt: Type.Number(),
});
export const ScheduleList = items(ScheduleSchema);

export const MinimumBody = Type.Object(
  {
    practiceArea: Type.Optional(Nullable(Text(100))),
    jurisdiction: Type.Optional(Nullable(Text(100))),
    minDays: Type.Integer({ minimum: 1, maximum: 36_500, description: 'The least number of days the law requires matching items to be kept' }),
    citation: Text(300, 'Where the rule comes from (statute, regulator’s rule)'),
  },
  { additionalProperties: false },
);
export const MinimumSchema = Type.Object({ id: Type.String(), practiceArea: Nullable(Type.String()), jurisdiction: Nullable(Type.String()), minDays: Type.Integer(), citation: Type.String(), createdAt: Type.Number() });
export const MinimumList = items(MinimumSchema);

// ── preview and runs ──

export const PreviewQuery = Type.Object({ on: Day, clientId: Type.Optional(branded<ClientId>(Id)) }, { additionalProperties: false });

export const ItemTypeSchema = Type.Union([Type.Literal('client'), Type.Literal('matter'), Type.Literal('document_version'), Type.Literal('record')]);

export const PreviewItem = Type.Object({
  itemType: ItemTypeSchema,
  itemId: Type.String(),
  client: ClientRef,
  matter: Nullable(MatterRef),
  documentId: Nullable(Type.String()),
  version: Nullable(Type.Integer()),
  schedule: Nullable(Type.Object({ id: Type.String(), name: Type.String() })),
  trigger: TriggerSchema,
  triggeredAt: Type.Number(),
  dueAt: Type.Number(),
  action: ActionSchema,
  /** On hold: not due while any hold covers it. */
  held: Type.Boolean(),
  /** Where it already is in the disposition queue, or `new`. */
  status: Type.String(),
});
export const PreviewSchema = Type.Object({ on: Type.String(), items: Type.Array(PreviewItem), held: Type.Integer(), truncated: Type.Boolean() });

export const RunSchema = Type.Object({ queued: Type.Integer(), executed: Type.Integer(), held: Type.Integer(), failed: Type.Integer(), awaitingPhysical: Type.Integer(), masterKeyRotated: Type.Boolean() });

// ── legal holds ──

export const HoldScopeSchema = Type.Union([Type.Literal('client'), Type.Literal('matter'), Type.Literal('custodian'), Type.Literal('documents')], {
  description: 'client: everything of the client; matter: one matter; custodian: the documents and notes a person created and the records in their custody (within the client, or one matter); documents: a named set',
});

export const HoldBody = Type.Object(
  {
    clientId: branded<ClientId>(Id),
    matterId: Type.Optional(branded<MatterId>(Id)),
    scope: HoldScopeSchema,
    custodianUserId: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'For a custodian hold: whose items' })),
    documentIds: Type.Optional(Type.Array(branded<DocumentId>(Id), { minItems: 1, maxItems: 1000, uniqueItems: true })),
    name: Text(200, 'What the hold is for (e.g. the dispute); sealed under the client’s key'),
    reason: Text(4000, 'Why, and what must be preserved; sealed'),
    notify: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 100, uniqueItems: true, description: 'Custodians to notify by mail (they acknowledge in Confidant)' })),
  },
  { additionalProperties: false },
);

export const ReleaseBody = Type.Object({ reason: Text(2000, 'Why the hold ends (sealed)') }, { additionalProperties: false });

const Notice = Type.Object({ user: Person, notifiedAt: Type.Number(), acknowledgedAt: Nullable(Type.Number()), reminders: Type.Integer() });

export const HoldSchema = Type.Object({
  id: Type.String(),
  client: ClientRef,
  matter: Nullable(MatterRef),
  scope: HoldScopeSchema,
  custodian: Nullable(Person),
  documentIds: Type.Array(Type.String()),
  name: Type.String(),
  reason: Type.String(),
  status: Type.Union([Type.Literal('active'), Type.Literal('released')]),
  createdBy: Person,
  createdAt: Type.Number(),
  releasedBy: Nullable(Person),
  releasedAt: Nullable(Type.Number()),
  releaseReason: Nullable(Type.String()),
  notices: Type.Array(Notice),
  canRelease: Type.Boolean(),
});
export const HoldList = items(HoldSchema);
export const HoldsQuery = Type.Object(
  { clientId: Type.Optional(branded<ClientId>(Id)), matterId: Type.Optional(branded<MatterId>(Id)), status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('released')])) },
  { additionalProperties: false },
);

/** A custodian's own notice: what they may see without access to the matter is only that it exists and who to ask. */
export const MyNoticeSchema = Type.Object({
  holdId: Type.String(),
  /** The hold's name and reason, when the custodian may see the matter; null otherwise (ask the person who placed it). */
  name: Nullable(Type.String()),
  reason: Nullable(Type.String()),
  placedBy: Person,
  notifiedAt: Type.Number(),
  acknowledgedAt: Nullable(Type.Number()),
  status: Type.Union([Type.Literal('active'), Type.Literal('released')]),
});
export const MyNoticeList = items(MyNoticeSchema);

// ── disposition ──

export const DispositionStatusSchema = Type.Union(
  ['review', 'approved', 'extended', 'held', 'executing', 'awaiting_physical', 'executed', 'failed'].map((s) => Type.Literal(s)),
  { description: 'review: waiting for approval; approved: executed by the next run; extended: kept longer by a reviewer; held: a legal hold suspends it; awaiting_physical: a physical record waits for its witnessed destruction; executed: destroyed and certified; failed: the run could not finish (an alert was raised; the next run resumes)' },
);

export const DispositionSchema = Type.Object({
  id: Type.String(),
  itemType: ItemTypeSchema,
  itemId: Type.String(),
  client: ClientRef,
  matter: Nullable(MatterRef),
  schedule: Nullable(Type.Object({ id: Type.String(), name: Type.String() })),
  action: ActionSchema,
  decision: Nullable(Type.Union([Type.Literal('destroy'), Type.Literal('anonymise')])),
  dueAt: Type.Number(),
  status: Type.String(),
  sensitive: Type.Boolean({ description: 'Privileged or highly confidential content: two different approvers' }),
  approvalsRequired: Type.Integer(),
  approvals: Type.Array(Type.Object({ user: Person, at: Type.Number() })),
  /** What an approval is bound to: approve with this hash (a changed item needs a new review). */
  snapshotHash: Type.String(),
  contents: Type.Object({ documents: Type.Integer(), versions: Type.Integer(), notes: Type.Integer(), records: Type.Integer(), bytes: Type.Number() }),
  requestedBy: Nullable(Person),
  canApprove: Type.Boolean(),
  certificateId: Nullable(Type.String()),
  errorCode: Nullable(Type.String()),
  executedAt: Nullable(Type.Number()),
  tombstone: Nullable(Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Null()]))),
  extendReason: Nullable(Type.String({ description: 'Why a reviewer kept it longer' })),
});
export const DispositionList = items(DispositionSchema);
export const DispositionsQuery = Type.Object(
  { status: Type.Optional(DispositionStatusSchema), clientId: Type.Optional(branded<ClientId>(Id)), matterId: Type.Optional(branded<MatterId>(Id)) },
  { additionalProperties: false },
);

export const ApproveBody = Type.Object(
  {
    snapshotHash: Type.String({ pattern: '^[0-9a-f]{64}$', description: 'The snapshotHash the approver reviewed' }),
    decision: Type.Optional(Type.Union([Type.Literal('destroy'), Type.Literal('anonymise')], { description: 'Required for items whose schedule says review' })),
  },
  { additionalProperties: false },
);
export const ExtendBody = Type.Object({ days: Type.Integer({ minimum: 1, maximum: 36_500 }), reason: Text(2000, 'Why it is kept longer (sealed)') }, { additionalProperties: false });
export const PhysicalBody = Type.Object(
  {
    method: Type.Union([Type.Literal('shred'), Type.Literal('incinerate'), Type.Literal('pulp'), Type.Literal('degauss'), Type.Literal('other')]),
    witnessUserId: Type.String({ minLength: 1, maxLength: 64, description: 'A second person who saw it destroyed' }),
    destroyedAt: Type.Optional(Type.Number({ minimum: 0, description: 'When (epoch ms); now when absent' })),
  },
  { additionalProperties: false },
);

// ── certificates ──

export const CertificateSummary = Type.Object({ id: Type.String(), dispositionId: Type.String(), client: ClientRef, matter: Nullable(MatterRef), scope: Type.String(), items: Type.Integer(), createdAt: Type.Number() });
export const CertificateList = items(CertificateSummary);
/** The signed certificate as issued (its JSON is what the signature covers; see docs/retention.md). */
export const SignedCertificateSchema = Type.Object({ certificate: Type.Record(Type.String(), Type.Unknown()), signature: Type.Record(Type.String(), Type.Unknown()) });

// ── client termination ──

export const TerminationBody = Type.Object(
  {
    endedOn: Type.Optional(Day),
    anonymise: Type.Boolean({ description: 'At the end of retention, anonymise (keep matter shells without content or personal data) instead of destroying the client’s keys' }),
    closeReason: Type.Optional(Text(2000, 'Why the open matters close (sealed)')),
  },
  { additionalProperties: false },
);
export const TerminationSchema = Type.Object({
  clientId: Type.String(),
  endedAt: Type.Number(),
  anonymise: Type.Boolean(),
  requestedBy: Person,
  closedMatters: Type.Integer(),
  dispositions: Type.Array(Type.Object({ id: Type.String(), itemType: ItemTypeSchema, itemId: Type.String(), dueAt: Type.Number(), status: Type.String() })),
});

/** Whether the relationship with a client ended, and whether the caller may end it. */
export const TerminationStatusSchema = Type.Object({
  ended: Type.Boolean(),
  /** The caller may end it (the lead attorney with the whole client, or the compliance officer). */
  canEnd: Type.Boolean(),
  termination: Nullable(TerminationSchema),
});

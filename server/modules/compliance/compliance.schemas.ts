/** TypeBox schemas of the compliance module's routes (they also feed the OpenAPI document). */
import { Type, type TSchema } from 'typebox';
import { UUID_PATTERN } from '../../platform/ids.js';

const Id = Type.String({ pattern: UUID_PATTERN });
const Text = (max: number, description?: string) => Type.String({ minLength: 1, maxLength: max, ...(description ? { description } : {}) });
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const items = <T extends TSchema>(schema: T) => Type.Object({ items: Type.Array(schema) });
const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'A day, YYYY-MM-DD (UTC)' });
const Person = Type.Object({ id: Type.String(), name: Type.String() });
const StaffRole = Type.Union([Type.Literal('firm_admin'), Type.Literal('compliance_officer'), Type.Literal('attorney'), Type.Literal('paralegal'), Type.Literal('staff')]);
/** Base64 of a PDF, at most 2 MiB decoded. */
const PdfBase64 = Type.String({ minLength: 1, maxLength: 2_796_204, description: 'The PDF file, base64 (at most 2 MiB)' });

export const IdParams = Type.Object({ id: Id });
export const VersionParams = Type.Object({ id: Id, version: Type.Integer({ minimum: 1, maximum: 100_000 }) });

// ── policies ──

const Content = Type.Union([
  Type.Object({ format: Type.Literal('markdown'), text: Text(200_000, 'The policy text, Markdown') }, { additionalProperties: false }),
  Type.Object({ format: Type.Literal('pdf'), pdfBase64: PdfBase64 }, { additionalProperties: false }),
]);

export const PolicyBody = Type.Object(
  {
    title: Text(200, 'What the policy is called'),
    ownerUserId: Id,
    required: Type.Optional(Type.Boolean({ description: 'The "current policies acknowledged" gate asks everyone for its current version' })),
    reviewCycleDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650, description: 'Days between reviews (default 365)' })),
    content: Content,
    changeNote: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
  },
  { additionalProperties: false },
);
export const PolicyPatchBody = Type.Object(
  {
    title: Type.Optional(Text(200)),
    ownerUserId: Type.Optional(Id),
    required: Type.Optional(Type.Boolean()),
    reviewCycleDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
    status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('retired')])),
  },
  { additionalProperties: false },
);
export const VersionBody = Type.Object({ content: Content, changeNote: Type.Optional(Nullable(Type.String({ maxLength: 500 }))) }, { additionalProperties: false });
export const CampaignBody = Type.Object(
  {
    roles: Type.Optional(Type.Array(StaffRole, { maxItems: 5, description: 'Everyone active in these roles' })),
    userIds: Type.Optional(Type.Array(Id, { maxItems: 1000, description: 'And these people' })),
    dueDate: Day,
  },
  { additionalProperties: false },
);
export const AcknowledgeBody = Type.Object(
  {
    version: Type.Integer({ minimum: 1, maximum: 100_000, description: 'The version read (must be the current one)' }),
    userId: Type.Optional(Type.String({ pattern: UUID_PATTERN, description: 'Optional; when present it must be the caller (nobody acknowledges for someone else)' })),
  },
  { additionalProperties: false },
);

const PolicySummary = {
  id: Type.String(),
  title: Type.String(),
  owner: Person,
  required: Type.Boolean(),
  reviewCycleDays: Type.Integer(),
  currentVersion: Type.Integer(),
  nextReviewDue: Nullable(Type.String()),
  reviewOverdue: Type.Boolean(),
  status: Type.Union([Type.Literal('active'), Type.Literal('retired')]),
  asked: Type.Integer(),
  acknowledged: Type.Integer(),
  updatedAt: Type.Number(),
};
export const PolicySchema = Type.Object(PolicySummary);
export const PolicyList = items(PolicySchema);
const Format = Type.Union([Type.Literal('markdown'), Type.Literal('pdf')]);
export const CampaignSchema = Type.Object({ id: Type.String(), version: Type.Integer(), roles: Type.Array(Type.String()), due: Nullable(Type.String()), createdAt: Type.Number(), asked: Type.Integer(), acknowledged: Type.Integer(), pending: Type.Array(Person) });
export const PolicyDetailSchema = Type.Object({
  ...PolicySummary,
  versions: Type.Array(Type.Object({ version: Type.Integer(), format: Format, sha256: Type.String(), changeNote: Nullable(Type.String()), publishedBy: Person, publishedAt: Type.Number() })),
  campaigns: Type.Array(CampaignSchema),
});
export const PolicyContentSchema = Type.Object({ title: Type.String(), version: Type.Integer(), format: Format, text: Nullable(Type.String()), sha256: Type.String() });
export const MyPolicySchema = Type.Object({ id: Type.String(), title: Type.String(), required: Type.Boolean(), currentVersion: Type.Integer(), format: Format, acknowledgedAt: Nullable(Type.Number()), due: Nullable(Type.String()) });
export const MyPolicyList = items(MyPolicySchema);

// ── agreements ──

const Party = Type.Union([Type.Literal('employee'), Type.Literal('contractor'), Type.Literal('vendor')]);
export const AgreementBody = Type.Object(
  {
    userId: Id,
    party: Party,
    title: Text(200, 'e.g. "Confidentiality agreement 2026"'),
    signedDate: Day,
    expiresDate: Type.Optional(Nullable(Day)),
    document: Type.Optional(Nullable(Type.Object({ name: Text(200), pdfBase64: PdfBase64 }, { additionalProperties: false }))),
  },
  { additionalProperties: false },
);
export const AgreementsQuery = Type.Object({ userId: Type.Optional(Id) }, { additionalProperties: false });
export const AgreementSchema = Type.Object({
  id: Type.String(),
  person: Person,
  party: Party,
  title: Type.String(),
  signedOn: Type.String(),
  expiresOn: Nullable(Type.String()),
  status: Type.Union([Type.Literal('current'), Type.Literal('expiring'), Type.Literal('expired'), Type.Literal('revoked'), Type.Literal('not_yet_signed')]),
  hasDocument: Type.Boolean(),
  documentName: Nullable(Type.String()),
  documentSha256: Nullable(Type.String()),
  recordedBy: Person,
  createdAt: Type.Number(),
});
export const AgreementList = items(AgreementSchema);

// ── training ──

export const CourseBody = Type.Object(
  {
    title: Text(200),
    description: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
    roles: Type.Array(StaffRole, { minItems: 1, maxItems: 5, description: 'Who must take it' }),
    passMark: Type.Integer({ minimum: 0, maximum: 100, description: 'A completion passes at or above this score' }),
    refresherDays: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 3650, description: 'A pass holds this many days (absent: forever)' }))),
    dueWithinDays: Type.Optional(Type.Integer({ minimum: 0, maximum: 3650, description: 'Days to complete it for the first time (default 30)' })),
    confidentiality: Type.Optional(Type.Boolean({ description: 'Counts for the confidentiality training gate' })),
  },
  { additionalProperties: false },
);
export const CoursePatchBody = Type.Partial(Type.Object({ ...CourseBody.properties, status: Type.Union([Type.Literal('active'), Type.Literal('retired')]) }), { additionalProperties: false });
export const CourseSchema = Type.Object({
  id: Type.String(),
  title: Type.String(),
  description: Nullable(Type.String()),
  roles: Type.Array(Type.String()),
  passMark: Type.Integer(),
  refresherDays: Nullable(Type.Integer()),
  dueWithinDays: Type.Integer(),
  confidentiality: Type.Boolean(),
  status: Type.Union([Type.Literal('active'), Type.Literal('retired')]),
  createdAt: Type.Number(),
});
export const CourseList = items(CourseSchema);
export const CompletionBody = Type.Object({ courseId: Id, userId: Id, completedDate: Day, score: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 100 }))) }, { additionalProperties: false });
export const CompletionSchema = Type.Object({
  id: Type.String(),
  course: Type.Object({ id: Type.String(), title: Type.String() }),
  person: Person,
  completedOn: Type.String(),
  score: Nullable(Type.Integer()),
  passed: Type.Boolean(),
  expiresOn: Nullable(Type.String()),
  source: Type.Union([Type.Literal('manual'), Type.Literal('import')]),
});
export const CompletionList = items(CompletionSchema);
export const CompletionsQuery = Type.Object({ userId: Type.Optional(Id), courseId: Type.Optional(Id) }, { additionalProperties: false });
export const ImportBody = Type.Object({ csv: Type.String({ minLength: 1, maxLength: 900_000, description: 'CSV with the header email,course,completed,score' }) }, { additionalProperties: false });
export const ImportResult = Type.Object({ imported: Type.Integer(), passed: Type.Integer(), failed: Type.Integer() });
export const TrainingStatusSchema = Type.Object({
  person: Person,
  role: Type.String(),
  course: Type.Object({ id: Type.String(), title: Type.String() }),
  state: Type.Union([Type.Literal('current'), Type.Literal('expiring'), Type.Literal('due'), Type.Literal('overdue'), Type.Literal('expired')]),
  dueOn: Nullable(Type.String()),
  lastScore: Nullable(Type.Integer()),
});
export const TrainingStatusList = items(TrainingStatusSchema);

// ── access reviews ──

export const ReviewBody = Type.Object({ title: Text(200, 'e.g. "Q1 2027 access review"'), dueDate: Day }, { additionalProperties: false });
const ReviewSummary = {
  id: Type.String(),
  title: Type.String(),
  due: Type.String(),
  status: Type.Union([Type.Literal('open'), Type.Literal('closed')]),
  createdAt: Type.Number(),
  closedAt: Nullable(Type.Number()),
  items: Type.Integer(),
  kept: Type.Integer(),
  revoked: Type.Integer(),
  undecided: Type.Integer(),
};
export const ReviewSchema = Type.Object(ReviewSummary);
export const ReviewList = items(ReviewSchema);
export const ReviewItemSchema = Type.Object({
  id: Type.String(),
  reviewId: Type.String(),
  reviewTitle: Type.String(),
  due: Type.String(),
  kind: Type.Union([Type.Literal('seat'), Type.Literal('grant')]),
  matter: Type.Object({ id: Type.String(), label: Type.String() }),
  person: Person,
  role: Type.String(),
  reviewer: Person,
  decision: Nullable(Type.Union([Type.Literal('keep'), Type.Literal('revoke')])),
  decidedBy: Nullable(Person),
  decidedAt: Nullable(Type.Number()),
  revokedAt: Nullable(Type.Number()),
  automatic: Type.Boolean(),
});
export const ReviewDetailSchema = Type.Object({ ...ReviewSummary, itemList: Type.Array(ReviewItemSchema) });
export const ReviewItemList = items(ReviewItemSchema);
export const CertifyBody = Type.Object({ decision: Type.Union([Type.Literal('keep'), Type.Literal('revoke')]) }, { additionalProperties: false });
export const DeadlineResult = Type.Object({ revoked: Type.Integer(), failed: Type.Integer(), closed: Type.Integer() });

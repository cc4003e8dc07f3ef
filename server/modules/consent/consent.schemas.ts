/** TypeBox schemas of the consent module's routes (they also feed the OpenAPI document). */
import { Type, type TSchema } from 'typebox';
import type { ClientId, MatterId } from '../../../common/ids.js';
import { branded } from '../../platform/http/branded.js';
import { MAX_TIME_MS } from '../../platform/http/schema-limits.js';
import { UUID_PATTERN } from '../../platform/ids.js';

const Id = Type.String({ pattern: UUID_PATTERN });
const Text = (max: number, description?: string) => Type.String({ minLength: 1, maxLength: max, ...(description ? { description } : {}) });
const Time = (description: string) => Type.Integer({ minimum: 0, maximum: MAX_TIME_MS, description });
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Codes = <T extends string>(codes: readonly T[], description: string) => Type.Unsafe<T>(Type.Union(codes.map((code) => Type.Literal(code)), { description }));

/** Why data may be shared (a consent lists them; a disclosure names one). */
export const PURPOSES = ['litigation', 'settlement', 'transaction', 'regulatory_filing', 'expert_opinion', 'insurance_claim', 'accounting_audit', 'client_instruction', 'other'] as const;
/**
 * What may be shared. `documents` and `notes` cover those items; a privileged document also
 * needs `privileged`. The others describe the consent (identity, contact, financial, health,
 * criminal records) for the register.
 */
export const DATA_CATEGORIES = ['documents', 'notes', 'privileged', 'identity', 'contact', 'financial', 'health', 'criminal_records'] as const;
export const RECIPIENT_CATEGORIES = ['opposing_counsel', 'co_counsel', 'court', 'expert', 'insurer', 'auditor', 'regulator', 'family_member', 'other'] as const;
/** How data leaves: the secure link (a share), an age package, or channels the client accepted knowingly. */
export const CHANNELS = ['secure_link', 'age_package', 'email_unencrypted', 'phone', 'fax', 'post', 'in_person'] as const;
/** The narrow legal exceptions to consent. */
export const EXCEPTION_KINDS = ['court_order', 'legal_mandate', 'imminent_harm', 'defend_claim', 'vulnerable_person'] as const;

export type Purpose = (typeof PURPOSES)[number];
export type DataCategory = (typeof DATA_CATEGORIES)[number];
export type RecipientCategory = (typeof RECIPIENT_CATEGORIES)[number];
export type Channel = (typeof CHANNELS)[number];
export type ExceptionKind = (typeof EXCEPTION_KINDS)[number];

const PurposeCode = Codes(PURPOSES, 'Purpose code');
const DataCategoryCode = Codes(DATA_CATEGORIES, 'Data category code');
const RecipientCategoryCode = Codes(RECIPIENT_CATEGORIES, 'Recipient category code');
const ChannelCode = Codes(CHANNELS, 'Channel code');
const ExceptionKindCode = Codes(EXCEPTION_KINDS, 'Legal exception');

const Email = Type.String({ maxLength: 320, format: 'email' });
const UserName = Nullable(Type.String({ description: "The person's name (null when unknown)" }));

// ── notices ──────────────────────────────────────────────────────────────────────────────────

export const NoticeContent = Type.Object(
  {
    collected: Text(10_000, 'What is collected'),
    purposes: Text(10_000, 'Why'),
    recipients: Text(10_000, 'Who sees it'),
    protection: Text(10_000, 'How it is protected'),
    retention: Text(10_000, 'How long it is kept'),
    rights: Text(10_000, "The client's rights (access, correction, withdrawal, complaint)"),
  },
  { additionalProperties: false },
);
export const NoticeBody = Type.Object({ title: Text(200), content: NoticeContent }, { additionalProperties: false });
export const NoticeIdParams = Type.Object({ noticeId: Id });

export const NoticeResponse = Type.Object({
  id: Type.String(),
  version: Type.Integer(),
  title: Type.String(),
  content: NoticeContent,
  status: Type.Union([Type.Literal('draft'), Type.Literal('published')]),
  sha256: Nullable(Type.String({ description: 'SHA-256 (hex) of the canonical content, once published' })),
  createdBy: Type.String(),
  createdByName: UserName,
  createdAt: Type.Integer(),
  updatedAt: Type.Integer(),
  publishedBy: Nullable(Type.String()),
  publishedByName: UserName,
  publishedAt: Nullable(Type.Integer()),
});

// ── consents ─────────────────────────────────────────────────────────────────────────────────

export const ClientIdParams = Type.Object({ clientId: branded<ClientId>(Id) });
export const ConsentIdParams = Type.Object({ consentId: Id });
const NamedRecipient = Type.Object({ name: Text(300), email: Type.Optional(Email) }, { additionalProperties: false });

export const CreateConsentBody = Type.Object(
  {
    purposes: Type.Array(PurposeCode, { minItems: 1, maxItems: PURPOSES.length, uniqueItems: true }),
    purposeText: Text(2000, "The purpose in the client's words (sealed)"),
    dataCategories: Type.Array(DataCategoryCode, { minItems: 1, maxItems: DATA_CATEGORIES.length, uniqueItems: true }),
    recipients: Type.Optional(Type.Array(NamedRecipient, { maxItems: 50, description: 'Named recipients (sealed); a disclosure to one must use the e-mail given here' })),
    recipientCategories: Type.Optional(Type.Array(RecipientCategoryCode, { maxItems: RECIPIENT_CATEGORIES.length, uniqueItems: true })),
    channels: Type.Array(ChannelCode, { minItems: 1, maxItems: CHANNELS.length, uniqueItems: true, description: 'Unencrypted e-mail, phone or fax only where the client consented to them' }),
    matterScope: Type.Union([Type.Literal('all'), Type.Literal('listed')]),
    matterIds: Type.Optional(Type.Array(branded<MatterId>(Id), { maxItems: 100, uniqueItems: true, description: 'With matterScope listed: the matters covered' })),
    validFrom: Type.Optional(Time('Start (epoch ms; default now)')),
    validUntil: Type.Optional(Nullable(Time('End (epoch ms); null: until withdrawn'))),
    noticeId: Type.String({ pattern: UUID_PATTERN, description: 'The published notice version shown to the client' }),
    evidence: Type.Object(
      {
        kind: Type.Literal('signed_form', { description: "The affirmative act: the client's signed form (the portal's click-through comes with the portal)" }),
        documentId: Type.String({ pattern: UUID_PATTERN, description: "The signed form, uploaded as an encrypted document on one of this client's matters" }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

const MatterRefSchema = Type.Object({ id: Type.String(), number: Nullable(Type.String()), title: Nullable(Type.String()) });

/** What a consent covers, without its evidence: the terms a firm asks a client to accept in the portal. */
export const ConsentTermsBody = Type.Omit(CreateConsentBody, ['noticeId', 'evidence', 'validFrom'], { additionalProperties: false });

export const ConsentResponse = Type.Object({
  id: Type.String(),
  clientId: Type.String(),
  purposes: Type.Array(Type.String()),
  purposeText: Type.String(),
  dataCategories: Type.Array(Type.String()),
  recipients: Type.Array(Type.Object({ name: Type.String(), email: Nullable(Type.String()) })),
  recipientCategories: Type.Array(Type.String()),
  channels: Type.Array(Type.String()),
  matterScope: Type.Union([Type.Literal('all'), Type.Literal('listed')]),
  matters: Type.Array(MatterRefSchema),
  validFrom: Type.Integer(),
  validUntil: Nullable(Type.Integer()),
  notice: Type.Object({ id: Type.String(), sha256: Type.String() }),
  evidence: Type.Object({ kind: Type.String(), documentId: Nullable(Type.String()) }),
  status: Type.Union([Type.Literal('active'), Type.Literal('withdrawn'), Type.Literal('expired'), Type.Literal('not_yet_valid')]),
  recordedBy: Type.String(),
  recordedByName: UserName,
  recordedAt: Type.Integer(),
  recordedIp: Nullable(Type.String()),
  withdrawnBy: Nullable(Type.String()),
  withdrawnByName: UserName,
  withdrawnAt: Nullable(Type.Integer()),
});

export const ExpiringQuery = Type.Object({ days: Type.Optional(Type.Integer({ minimum: 1, maximum: 365, description: 'Consents ending within this many days (default 30)' })) }, { additionalProperties: false });

// ── disclosures ──────────────────────────────────────────────────────────────────────────────

export const DisclosureIdParams = Type.Object({ disclosureId: Id });
const Item = Type.Object({ type: Type.Union([Type.Literal('document'), Type.Literal('note')]), id: Type.String({ pattern: UUID_PATTERN }) }, { additionalProperties: false });

export const CreateDisclosureBody = Type.Object(
  {
    clientId: branded<ClientId>(Id),
    matterId: branded<MatterId>(Id),
    recipient: Type.Object({ name: Text(300), email: Email, category: Type.Optional(RecipientCategoryCode) }, { additionalProperties: false }),
    items: Type.Array(Item, { minItems: 1, maxItems: 100 }),
    purpose: PurposeCode,
    purposeText: Text(2000, 'Why, in words (sealed)'),
    channel: ChannelCode,
    basis: Type.Union([
      Type.Object({ kind: Type.Literal('consent'), consentId: Type.String({ pattern: UUID_PATTERN }) }, { additionalProperties: false }),
      Type.Object(
        {
          kind: Type.Literal('exception'),
          exception: ExceptionKindCode,
          reference: Text(500, 'The order, statute or case reference (sealed)'),
          supportingDocumentId: Type.String({ pattern: UUID_PATTERN, description: 'The order or subpoena, uploaded as an encrypted document on this matter' }),
          gagOrder: Type.Optional(Type.Boolean({ description: 'A gag order: never shown to the client' })),
        },
        { additionalProperties: false },
      ),
    ]),
    waivePrivilege: Type.Optional(Type.Object({ confirmed: Type.Literal(true), risk: Text(2000, 'The risk of waiving privilege, in words (sealed)') }, { additionalProperties: false })),
  },
  { additionalProperties: false },
);

export const ExecuteDisclosureBody = Type.Object(
  {
    expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 90, description: 'Share lifetime (default 7 days)' })),
    downloadLimit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'Downloads allowed in all (default 10)' })),
  },
  { additionalProperties: false },
);

export const DisclosureListQuery = Type.Object(
  {
    clientId: Type.Optional(branded<ClientId>(Id)),
    matterId: Type.Optional(branded<MatterId>(Id)),
    status: Type.Optional(Type.Union([Type.Literal('pending_approval'), Type.Literal('ready'), Type.Literal('executed'), Type.Literal('revoked'), Type.Literal('stopped')])),
    basis: Type.Optional(Type.Union([Type.Literal('consent'), Type.Literal('exception')], { description: 'Under a consent, or a legal exception' })),
    // By category, not by address: a recipient's e-mail is client information, and a query string ends up in logs.
    recipientCategory: Type.Optional(RecipientCategoryCode),
    format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')])),
  },
  { additionalProperties: false },
);

const ReleasedItem = Type.Object({ type: Type.String(), id: Type.String(), version: Type.Integer(), sha256: Type.String(), size: Type.Integer() });

export const DisclosureResponse = Type.Object({
  id: Type.String(),
  clientId: Type.String(),
  clientName: Nullable(Type.String()),
  matter: MatterRefSchema,
  recipient: Type.Object({ name: Type.String(), email: Type.String(), category: Nullable(Type.String()) }),
  items: Type.Array(Type.Object({ type: Type.String(), id: Type.String() })),
  purpose: Type.String(),
  purposeText: Type.String(),
  channel: Type.String(),
  basis: Type.Object({
    kind: Type.Union([Type.Literal('consent'), Type.Literal('exception')]),
    consentId: Nullable(Type.String()),
    exception: Nullable(Type.String()),
    reference: Nullable(Type.String()),
    supportingDocumentId: Nullable(Type.String()),
    gagOrder: Type.Boolean(),
  }),
  privilegeWaived: Type.Boolean(),
  waiverRisk: Nullable(Type.String()),
  status: Type.Union([Type.Literal('pending_approval'), Type.Literal('ready'), Type.Literal('executed'), Type.Literal('revoked'), Type.Literal('stopped')]),
  requestedBy: Type.String(),
  requestedByName: UserName,
  requestedAt: Type.Integer(),
  approvedBy: Nullable(Type.String()),
  approvedByName: UserName,
  approvedAt: Nullable(Type.Integer()),
  executedBy: Nullable(Type.String()),
  executedByName: UserName,
  executedAt: Nullable(Type.Integer()),
  endedBy: Nullable(Type.String()),
  endedAt: Nullable(Type.Integer()),
  released: Type.Array(ReleasedItem),
  share: Nullable(Type.Object({ expiresAt: Type.Integer(), downloadLimit: Type.Integer(), downloads: Type.Integer(), verified: Type.Boolean() })),
});

export const ExecutedDisclosureResponse = Type.Object({
  ...DisclosureResponse.properties,
  link: Nullable(Type.String({ description: 'The share link for the recipient (shown once; the token is stored only hashed)' })),
});

// ── shares (public: the recipient) ───────────────────────────────────────────────────────────

const Token = Type.String({ minLength: 20, maxLength: 100, pattern: '^[A-Za-z0-9_-]+$', description: 'The token from the share link (its fragment)' });
export const ShareTokenBody = Type.Object({ token: Token }, { additionalProperties: false });
export const ShareVerifyBody = Type.Object({ token: Token, code: Type.String({ pattern: '^[0-9]{6}$', description: 'The six-digit code e-mailed to the recipient' }) }, { additionalProperties: false });
export const ShareSessionHeaders = Type.Object({ 'x-share-session': Type.String({ minLength: 20, maxLength: 100, pattern: '^[A-Za-z0-9_-]+$', description: 'The session the verification returned' }) });
export const ShareItemParams = Type.Object({ itemId: Id });

export const ShareInfoResponse = Type.Object({
  firm: Type.String({ description: 'Who is sharing' }),
  itemCount: Type.Integer(),
  expiresAt: Type.Integer(),
  downloadsLeft: Type.Integer(),
  /** The address the code goes to, masked (a***@example.com). */
  sentTo: Type.String(),
});
export const ShareVerifiedResponse = Type.Object({ session: Type.String(), expiresAt: Type.Integer() });
export const ShareItemsResponse = Type.Object({ items: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), size: Type.Integer(), contentType: Type.String(), sha256: Type.String() })), downloadsLeft: Type.Integer() });

// ── privilege log ────────────────────────────────────────────────────────────────────────────

export const MatterIdParams = Type.Object({ matterId: branded<MatterId>(Id) });
export const PrivilegeLogQuery = Type.Object({ format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv'), Type.Literal('pdf')])) }, { additionalProperties: false });
export const PrivilegeLogResponse = Type.Object({
  matter: MatterRefSchema,
  entries: Type.Array(Type.Object({ documentId: Type.String(), date: Type.Integer(), author: Type.String(), recipients: Type.String(), documentType: Type.String(), privilege: Type.String(), description: Type.String() })),
});

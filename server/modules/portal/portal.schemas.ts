/** TypeBox schemas of the portal module's routes (they also feed the OpenAPI document). */
import { Type, type TSchema } from 'typebox';
import type { ClientId, DocumentId, MatterId } from '../../../common/ids.js';
import { branded } from '../../platform/http/branded.js';
import { UUID_PATTERN } from '../../platform/ids.js';
import { ConsentResponse, ConsentTermsBody, NoticeResponse } from '../consent/index.js';

const Id = Type.String({ pattern: UUID_PATTERN });
const Text = (max: number, description?: string) => Type.String({ minLength: 1, maxLength: max, ...(description ? { description } : {}) });
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const items = <T extends TSchema>(schema: T) => Type.Object({ items: Type.Array(schema) });

export const ClientIdParams = Type.Object({ clientId: branded<ClientId>(Id) });
export const MatterIdParams = Type.Object({ matterId: branded<MatterId>(Id) });
export const DocumentIdParams = Type.Object({ documentId: branded<DocumentId>(Id) });
export const ContactIdParams = Type.Object({ contactId: Id });
export const ThreadIdParams = Type.Object({ threadId: Id });
export const RequestIdParams = Type.Object({ requestId: Id });
export const FileRequestIdParams = Type.Object({ fileRequestId: Id });
export const ConsentIdParams = Type.Object({ consentId: Id });
export const ShareParams = Type.Object({ documentId: branded<DocumentId>(Id), shareId: Id });

const MatterRef = Type.Object({ id: Type.String(), number: Nullable(Type.String()), title: Nullable(Type.String()) });

// ── contacts (staff) ──

export const InvitationBody = Type.Object(
  {
    email: Type.String({ maxLength: 320, format: 'email' }),
    name: Text(200, "The contact's name"),
    matterScope: Type.Union([Type.Literal('all'), Type.Literal('listed')], { description: 'all: every matter of the client (needs client-wide access); listed: only matterIds' }),
    matterIds: Type.Optional(Type.Array(branded<MatterId>(Id), { maxItems: 100, uniqueItems: true })),
    consentRequests: Type.Optional(Type.Array(ConsentTermsBody, { maxItems: 10, description: 'Consents to ask for at onboarding: the contact gives or declines each' })),
  },
  { additionalProperties: false },
);

export const ContactMattersBody = Type.Object(
  {
    matterScope: Type.Union([Type.Literal('all'), Type.Literal('listed')], { description: 'all: every matter of the client (needs client-wide access); listed: only matterIds' }),
    matterIds: Type.Optional(Type.Array(branded<MatterId>(Id), { maxItems: 100, uniqueItems: true })),
  },
  { additionalProperties: false },
);

export const ContactResponse = Type.Object({
  id: Type.String({ description: "The contact's account id" }),
  clientId: Type.String(),
  name: Nullable(Type.String()),
  email: Nullable(Type.String()),
  status: Type.Union([Type.Literal('invited'), Type.Literal('active'), Type.Literal('disabled')], { description: 'invited: has not signed in yet' }),
  matterScope: Type.Union([Type.Literal('all'), Type.Literal('listed')]),
  matters: Type.Array(MatterRef),
  invitedBy: Type.String(),
  invitedByName: Nullable(Type.String()),
  invitedAt: Type.Integer(),
  activatedAt: Nullable(Type.Integer()),
  disabledAt: Nullable(Type.Integer()),
  consentRequests: Type.Array(Type.Object({ id: Type.String(), status: Type.String(), consentId: Nullable(Type.String()), decidedAt: Nullable(Type.Integer()) })),
});
export const InvitationResponse = Type.Object({ contact: ContactResponse, delivered: Type.Union([Type.Literal('smtp'), Type.Literal('outbox')]) });
export const ContactListResponse = items(ContactResponse);

// ── the portal's home (client) ──

export const ConsentRequestResponse = Type.Object({
  id: Type.String(),
  status: Type.Union([Type.Literal('pending'), Type.Literal('given'), Type.Literal('declined')]),
  purposes: Type.Array(Type.String()),
  purposeText: Type.String(),
  dataCategories: Type.Array(Type.String()),
  recipients: Type.Array(Type.Object({ name: Type.String(), email: Nullable(Type.String()) })),
  recipientCategories: Type.Array(Type.String()),
  channels: Type.Array(Type.String()),
  matterScope: Type.Union([Type.Literal('all'), Type.Literal('listed')]),
  matters: Type.Array(MatterRef),
  validUntil: Nullable(Type.Integer()),
  askedAt: Type.Integer(),
});

export const PortalHomeResponse = Type.Object({
  contact: Type.Object({ id: Type.String(), name: Nullable(Type.String()), email: Nullable(Type.String()) }),
  client: Type.Object({ id: Type.String(), name: Nullable(Type.String()) }),
  matters: Type.Array(MatterRef),
  notice: Nullable(NoticeResponse),
  consentRequests: Type.Array(ConsentRequestResponse, { description: 'Pending ones: the onboarding asks for a decision on each' }),
  unreadMessages: Type.Integer(),
  people: Type.Array(Type.Object({ name: Nullable(Type.String()), email: Nullable(Type.String()), status: Type.Union([Type.Literal('invited'), Type.Literal('active')]), invitedAt: Type.Integer() }), {
    description: "Everyone of the client with access to this portal (so the client's people see whom the firm let in)",
  }),
  openFileRequests: Type.Integer(),
});

export const ConsentDecisionBody = Type.Object(
  {
    decision: Type.Union([Type.Literal('give'), Type.Literal('decline')]),
    noticeId: Type.String({ pattern: UUID_PATTERN, description: 'The notice version the contact read (must be the one in force)' }),
  },
  { additionalProperties: false },
);
export const ConsentDecisionResponse = Type.Object({ request: ConsentRequestResponse, consent: Nullable(ConsentResponse) });

// ── messages ──

const Attachment = Type.Object({ id: Type.String(), name: Nullable(Type.String({ description: 'null: no longer available (moved to the trash)' })), size: Nullable(Type.Integer()) });
export const MessageResponse = Type.Object({
  id: Type.String(),
  threadId: Type.String(),
  body: Type.String({ description: 'Plain text, shown as text (never as HTML)' }),
  authorId: Type.String(),
  authorName: Nullable(Type.String()),
  authorKind: Type.Union([Type.Literal('client'), Type.Literal('staff')]),
  createdAt: Type.Integer(),
  attachments: Type.Array(Attachment),
  readBy: Type.Array(Type.Object({ userId: Type.String(), name: Nullable(Type.String()), readAt: Type.Integer() })),
});
export const ThreadResponse = Type.Object({
  id: Type.String(),
  matter: MatterRef,
  subject: Type.String(),
  createdBy: Type.String(),
  createdByName: Nullable(Type.String()),
  createdAt: Type.Integer(),
  lastMessageAt: Type.Integer(),
  unread: Type.Integer({ description: "Messages the viewer has not opened (other people's)" }),
});
export const ThreadDetailResponse = Type.Object({ thread: ThreadResponse, messages: Type.Array(MessageResponse), can: Type.Object({ reply: Type.Boolean() }) });
export const ThreadListResponse = items(ThreadResponse);

export const NewThreadBody = Type.Object(
  {
    subject: Text(200, 'Subject (sealed under the client key)'),
    body: Text(20_000, 'The message, plain text (sealed)'),
    attachmentIds: Type.Optional(Type.Array(Id, { maxItems: 20, uniqueItems: true, description: "Documents of the thread's matter (staff: any you may read; clients: their own uploads)" })),
  },
  { additionalProperties: false },
);
export const NewMessageBody = Type.Object(
  {
    body: Text(20_000, 'The message, plain text (sealed)'),
    attachmentIds: Type.Optional(Type.Array(Id, { maxItems: 20, uniqueItems: true })),
  },
  { additionalProperties: false },
);

// ── files ──

export const UploadQuery = Type.Object(
  {
    fileRequestId: Type.Optional(Type.String({ pattern: UUID_PATTERN, description: 'The file request this upload answers' })),
  },
  { additionalProperties: false },
);
export const PortalDocumentResponse = Type.Object({
  id: Type.String(),
  matter: MatterRef,
  name: Type.String(),
  size: Type.Integer(),
  contentType: Type.String(),
  updatedAt: Type.Integer(),
  source: Type.Union([Type.Literal('shared'), Type.Literal('uploaded'), Type.Literal('attached')], { description: 'shared with you by the firm, uploaded by you, or attached to a message' }),
});
export const PortalDocumentListResponse = items(PortalDocumentResponse);

export const ShareBody = Type.Object({ contactId: Id }, { additionalProperties: false });
export const ShareResponse = Type.Object({
  id: Type.String(),
  documentId: Type.String(),
  contactId: Type.String(),
  contactName: Nullable(Type.String()),
  sharedBy: Type.String(),
  sharedByName: Nullable(Type.String()),
  sharedAt: Type.Integer(),
  revokedAt: Nullable(Type.Integer()),
});
export const ShareListResponse = items(ShareResponse);

export const FileRequestBody = Type.Object({ title: Text(300, 'What you ask for, e.g. "Your bank statements for 2025" (sealed)') }, { additionalProperties: false });
export const FileRequestResponse = Type.Object({
  id: Type.String(),
  matter: MatterRef,
  title: Type.String(),
  createdBy: Type.String(),
  createdByName: Nullable(Type.String()),
  createdAt: Type.Integer(),
  closedAt: Nullable(Type.Integer()),
  uploads: Type.Array(Type.Object({ documentId: Type.String(), name: Nullable(Type.String()), uploadedBy: Type.String(), uploadedByName: Nullable(Type.String()), uploadedAt: Type.Integer() })),
});
export const FileRequestListResponse = items(FileRequestResponse);

// ── transparency ──

export const PeopleResponse = items(
  Type.Object({
    userId: Type.String(),
    name: Nullable(Type.String()),
    access: Type.Array(Type.Object({ basis: Type.Union([Type.Literal('team'), Type.Literal('grant'), Type.Literal('break_glass')]), role: Nullable(Type.String()), matter: Nullable(MatterRef) })),
  }),
);
export const ActivityQuery = Type.Object({ before: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'Entries below this log index (the previous page)' })) }, { additionalProperties: false });
export const ActivityResponse = Type.Object({
  items: Type.Array(
    Type.Object({
      index: Type.Integer({ description: 'The position in the audit log; its inclusion proof is GET /audit/proofs/inclusion' }),
      leafHash: Type.String({ description: 'base64 SHA-256 leaf hash (RFC 9162)' }),
      at: Type.Integer(),
      person: Nullable(Type.String()),
      action: Type.String(),
      matter: Nullable(MatterRef),
      document: Nullable(Type.String({ description: "The document's name, when the entry is about one you are shown" })),
    }),
  ),
  next: Nullable(Type.Integer()),
});
export const PortalDisclosureResponse = items(
  Type.Object({
    id: Type.String(),
    matter: MatterRef,
    recipient: Type.String(),
    recipientCategory: Nullable(Type.String()),
    purpose: Type.String(),
    channel: Type.String(),
    basis: Type.Union([Type.Literal('consent'), Type.Literal('exception')]),
    consentId: Nullable(Type.String()),
    executedAt: Nullable(Type.Integer()),
    status: Type.String(),
    items: Type.Integer({ description: 'How many documents and notes were released' }),
  }),
);
export const PortalConsentListResponse = items(ConsentResponse);

// ── export requests ──

export const ExportRequestIdParams = Type.Object({ exportRequestId: Id });
export const ExportRequestResponse = Type.Object({
  id: Type.String(),
  contactId: Type.String(),
  contactName: Nullable(Type.String()),
  protection: Type.Union([Type.Literal('passphrase'), Type.Literal('recipients')]),
  status: Type.Union([Type.Literal('pending'), Type.Literal('ready'), Type.Literal('declined'), Type.Literal('expired')]),
  decidedBy: Nullable(Type.String()),
  decidedByName: Nullable(Type.String()),
  decidedAt: Nullable(Type.Integer()),
  size: Nullable(Type.Integer()),
  documents: Nullable(Type.Integer()),
  downloads: Type.Integer(),
  expiresAt: Nullable(Type.Integer({ description: 'Until when the archive can be downloaded' })),
  createdAt: Type.Integer(),
});
export const ExportRequestListResponse = items(ExportRequestResponse);

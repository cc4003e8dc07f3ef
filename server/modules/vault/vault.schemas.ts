/** TypeBox schemas shared by the vault's routes (they also feed the OpenAPI document). */
import { Type } from 'typebox';
import type { ClientId, DocumentId, MatterId, NoteId } from '../../../common/ids.js';
import { branded } from '../../platform/http/branded.js';
import { MAX_INT32, MAX_TIME_MS } from '../../platform/http/schema-limits.js';
import { PartyInput, PartyResponse } from './parties.schemas.js';

const Id = Type.String({ pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' });
const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);
const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });

export const IdSchema = Id;
export const ClientIdParams = Type.Object({ clientId: branded<ClientId>(Id) });
export const MatterIdParams = Type.Object({ matterId: branded<MatterId>(Id) });
export const DocumentIdParams = Type.Object({ documentId: branded<DocumentId>(Id) });
export const NoteIdParams = Type.Object({ noteId: branded<NoteId>(Id) });
export const RecordIdParams = Type.Object({ recordId: Id });

const Identifier = Type.Object({ type: Text(60), value: Text(200) }, { additionalProperties: false });

export const ClientKind = Type.Union([Type.Literal('person'), Type.Literal('organisation')]);

export const CreateClientBody = Type.Object(
  {
    kind: ClientKind,
    name: Text(300),
    email: Type.Optional(Nullable(Type.String({ maxLength: 320, format: 'email' }))),
    phone: Type.Optional(Nullable(Type.String({ maxLength: 60 }))),
    address: Type.Optional(Nullable(Type.String({ maxLength: 1000 }))),
    identifiers: Type.Optional(Type.Array(Identifier, { maxItems: 20 })),
    parties: Type.Optional(Type.Array(PartyInput, { maxItems: 50, description: 'Opposing and related parties; with the client\'s name they are checked for conflicts across the firm' })),
  },
  { additionalProperties: false },
);

export const UpdateClientBody = Type.Object(
  {
    kind: Type.Optional(ClientKind),
    name: Type.Optional(Text(300)),
    status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('closed')])),
    email: Type.Optional(Nullable(Type.String({ maxLength: 320, format: 'email' }))),
    phone: Type.Optional(Nullable(Type.String({ maxLength: 60 }))),
    address: Type.Optional(Nullable(Type.String({ maxLength: 1000 }))),
    identifiers: Type.Optional(Type.Array(Identifier, { maxItems: 20 })),
  },
  { additionalProperties: false, minProperties: 1 },
);

const ClientStatus = Type.Union([Type.Literal('active'), Type.Literal('closed'), Type.Literal('conflict_review')], {
  description: 'conflict_review: possible conflict, referred to the compliance officer; nobody opens the client until it is cleared',
});

export const ClientResponse = Type.Object({
  id: Type.String(),
  kind: ClientKind,
  name: Type.String(),
  status: ClientStatus,
  number: Type.Union([Type.Integer(), Type.Null()], { description: 'The firm\'s client number' }),
  email: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  address: Nullable(Type.String()),
  identifiers: Type.Array(Type.Object({ type: Type.String(), value: Type.String() })),
  createdAt: Type.Integer(),
  updatedAt: Type.Integer(),
  parties: Type.Optional(Type.Array(PartyResponse)),
});

export const ClientSummaryResponse = Type.Object({ id: Type.String(), kind: ClientKind, name: Type.String(), status: ClientStatus, createdAt: Type.Integer() });

/** How a search matches: `exact` through the blind index (`name` / `title`), `prefix` at the start of any word of the decrypted value, case- and accent-insensitive, within the caller's scope (pickers). */
const SearchMatch = Type.Union([Type.Literal('exact'), Type.Literal('prefix')], { description: 'exact: the whole normalised value through the blind index; prefix: the start of any word (case and accents ignored), decrypting only rows the caller may open' });
const SearchQuery = Type.String({ minLength: 1, maxLength: 300, description: 'What a picker typed; with match=prefix (the default for query)' });

export const ClientSearchBody = Type.Object(
  { name: Type.Optional(Text(300)), query: Type.Optional(SearchQuery), match: Type.Optional(SearchMatch) },
  { additionalProperties: false, description: 'Either name (exact) or query (match=prefix by default)' },
);

const MatterStatus = Type.Union([Type.Literal('open'), Type.Literal('pending'), Type.Literal('closed'), Type.Literal('conflict_review')], {
  description: 'conflict_review: possible conflict, referred to the compliance officer; nobody opens the matter until it is cleared',
});
const SettableMatterStatus = Type.Union([Type.Literal('open'), Type.Literal('pending')], { description: 'Close and reopen with their own calls' });

export const CreateMatterBody = Type.Object(
  {
    clientId: branded<ClientId>(Id),
    title: Text(500),
    description: Type.Optional(Nullable(Type.String({ maxLength: 5000 }))),
    parties: Type.Optional(Type.Array(PartyInput, { maxItems: 50, description: 'Opposing and related parties of this matter; checked for conflicts across the firm' })),
    number: Type.Optional(Type.String({ minLength: 1, maxLength: 40, pattern: '^[A-Za-z0-9][A-Za-z0-9._/-]*$', description: 'Assigned by the firm: a request that sets it is refused (400), so that a taken number cannot reveal a matter the caller may not see' })),
    practiceArea: Type.Optional(Nullable(Type.String({ maxLength: 60 }))),
    jurisdiction: Type.Optional(Nullable(Type.String({ maxLength: 60 }))),
    status: Type.Optional(SettableMatterStatus),
    openedAt: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_TIME_MS })),
  },
  { additionalProperties: false },
);

export const UpdateMatterBody = Type.Object(
  {
    title: Type.Optional(Text(500)),
    description: Type.Optional(Nullable(Type.String({ maxLength: 5000 }))),
    practiceArea: Type.Optional(Nullable(Type.String({ maxLength: 60 }))),
    jurisdiction: Type.Optional(Nullable(Type.String({ maxLength: 60 }))),
    leadUserId: Type.Optional(Type.String({ pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$', description: 'The responsible (lead) attorney: an attorney of the firm; their seat on the team is managed on the team page' })),
    status: Type.Optional(SettableMatterStatus),
    openedAt: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_TIME_MS })),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const CloseMatterBody = Type.Object(
  {
    closedAt: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_TIME_MS, description: 'When it closed (default now; not in the future, not before it opened)' })),
    reason: Text(2000),
  },
  { additionalProperties: false },
);

export const ReopenMatterBody = Type.Object({ reason: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false });

export const MatterResponse = Type.Object({
  id: Type.String(),
  clientId: Type.String(),
  clientName: Type.String({ description: 'The client\'s name (empty once its keys are destroyed)' }),
  number: Type.String(),
  title: Type.String(),
  description: Nullable(Type.String()),
  practiceArea: Nullable(Type.String()),
  jurisdiction: Nullable(Type.String()),
  status: MatterStatus,
  openedAt: Type.Integer(),
  closedAt: Type.Union([Type.Integer(), Type.Null()]),
  closedBy: Nullable(Type.String()),
  closeReason: Nullable(Type.String()),
  leadUserId: Type.String(),
  leadName: Nullable(Type.String()),
  createdAt: Type.Integer(),
  updatedAt: Type.Integer(),
});

export const MatterListQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    after: Type.Optional(Id),
    clientId: Type.Optional(Id),
  },
  { additionalProperties: false },
);

export const MatterSearchBody = Type.Object(
  { title: Type.Optional(Text(500)), query: Type.Optional(SearchQuery), match: Type.Optional(SearchMatch), clientId: Type.Optional(Id) },
  { additionalProperties: false, description: 'Either title (exact) or query (match=prefix by default: a word of the title or the client name, or the start of the matter number)' },
);

export const Classification = Type.Union([Type.Literal('internal'), Type.Literal('confidential'), Type.Literal('privileged'), Type.Literal('client-secret')]);

export const DocumentVersionResponse = Type.Object({ version: Type.Integer(), size: Type.Integer(), contentType: Type.String(), createdBy: Type.String(), createdAt: Type.Integer() });

export const DocumentResponse = Type.Object({
  id: Type.String(),
  matterId: Type.String(),
  clientId: Type.String(),
  name: Type.String(),
  classification: Classification,
  privileged: Type.Boolean(),
  legalHold: Type.Boolean(),
  currentVersion: Type.Integer(),
  size: Type.Integer(),
  contentType: Type.String(),
  createdBy: Type.String(),
  createdAt: Type.Integer(),
  updatedAt: Type.Integer(),
  trashedAt: Type.Union([Type.Integer(), Type.Null()], { description: 'When it was moved to the trash; null while live' }),
  versions: Type.Optional(Type.Array(DocumentVersionResponse)),
  can: Type.Optional(
    Type.Object(
      {
        edit: Type.Boolean({ description: 'rename, add a version (document.write)' }),
        classify: Type.Boolean({ description: 'reclassify, mark or unmark privileged (document.classify)' }),
        trash: Type.Boolean({ description: 'move to the trash or restore (document.write; never under a legal hold)' }),
      },
      { description: 'What the viewer may do, for showing controls; every action is decided again when asked' },
    ),
  ),
});

export const DocumentPage = Type.Object({
  items: Type.Array(DocumentResponse),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
  can: Type.Object({ upload: Type.Boolean({ description: 'may upload documents to this matter (document.write)' }) }, { description: 'For showing controls; decided again on upload' }),
});

export const DocumentListQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    after: Type.Optional(Id),
    trashed: Type.Optional(Type.Boolean({ description: 'true: the documents in the trash instead of the live ones' })),
  },
  { additionalProperties: false },
);

export const RecentDocumentsQuery = Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 10 })) }, { additionalProperties: false });

export const RecentDocumentResponse = Type.Object({
  id: Type.String(),
  name: Type.String(),
  matterId: Type.String(),
  matterNumber: Type.String(),
  matterTitle: Type.String(),
  clientId: Type.String(),
  classification: Classification,
  privileged: Type.Boolean(),
  contentType: Type.String(),
  size: Type.Integer(),
  currentVersion: Type.Integer(),
  updatedAt: Type.Integer(),
});

export const UploadQuery = Type.Object(
  {
    classification: Type.Optional(Classification),
    privileged: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

/** The document name travels in a header (base64url of UTF-8), never in the URL. */
export const UploadHeaders = Type.Object({ 'x-document-name': Type.String({ minLength: 1, maxLength: 700, pattern: '^[A-Za-z0-9_-]+={0,2}$' }) });

export const UpdateDocumentBody = Type.Object(
  {
    name: Type.Optional(Text(500)),
    classification: Type.Optional(Classification),
    privileged: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const ContentQuery = Type.Object({ version: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_INT32 })) }, { additionalProperties: false });

export const NoteResponse = Type.Object({
  id: Type.String(),
  matterId: Type.String(),
  title: Type.String(),
  body: Type.String(),
  revision: Type.Integer(),
  createdBy: Type.String(),
  createdAt: Type.Integer(),
  updatedBy: Type.String(),
  updatedAt: Type.Integer(),
});

export const CreateNoteBody = Type.Object({ title: Text(500), body: Type.String({ maxLength: 1_000_000 }) }, { additionalProperties: false });
export const UpdateNoteBody = Type.Object(
  { title: Type.Optional(Text(500)), body: Type.Optional(Type.String({ maxLength: 1_000_000 })), revision: Type.Integer({ minimum: 1, maximum: MAX_INT32 }) },
  { additionalProperties: false },
);

export const RecordResponse = Type.Object({
  id: Type.String(),
  matterId: Type.String(),
  label: Type.String(),
  location: Type.String(),
  custodianUserId: Nullable(Type.String()),
  status: Type.Union([Type.Literal('in'), Type.Literal('out')]),
  createdAt: Type.Integer(),
  updatedAt: Type.Integer(),
  movements: Type.Optional(Type.Array(Type.Object({ action: Type.String(), userId: Type.String(), at: Type.Integer() }))),
});

export const CreateRecordBody = Type.Object({ label: Text(200), location: Text(500) }, { additionalProperties: false });
export const CheckInBody = Type.Object({ location: Type.Optional(Text(500)) }, { additionalProperties: false });

export const pageOf = <T extends Parameters<typeof Type.Array>[0]>(item: T) => Type.Object({ items: Type.Array(item), nextCursor: Type.Union([Type.String(), Type.Null()]) });

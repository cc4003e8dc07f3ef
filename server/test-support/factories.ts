/**
 * Factories for tests, built the way real data is (Outline's model: a factory builds its parents
 * when they are absent, so `buildMatter(instance)` alone gives a usable matter):
 *
 * - people with roles, API tokens and browser-like sessions, through identity's API;
 * - a firm (administrator, compliance officer, attorney);
 * - clients, matters, walls and documents through the real HTTP API (`instance.app.inject`), so
 *   they are sealed under the client's key, indexed, registered with access and audited exactly
 *   like ones a person creates.
 *
 * Every factory throws (with the response body) when the server refuses, so a test never goes on
 * with half-built data.
 */
import type { ClientId, DocumentId, MatterId, UserId } from '../../common/ids.js';
import type { FirmRole } from '../../common/roles.js';
import { inTransaction, type RequestContext } from '../platform/context.js';
import { AppError } from '../platform/errors.js';
import { newId } from '../platform/ids.js';
import { CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE, createToken, createUser } from '../modules/identity/index.js';
// Test-only reach into identity's internals (not its public contract): a session opened without a
// credential must never be something production code can import.
import { findUserById } from '../modules/identity/identity.repository.js';
import { createSession, markSessionMfa } from '../modules/identity/sessions.service.js';
import type { TestInstance } from './test-instance.js';

/** A strong password every factory user has (tests may sign in with it). */
export const FACTORY_PASSWORD = 'correct horse battery staple 42';

export interface BuiltUser {
  id: UserId;
  email: string;
  name: string;
  role: FirmRole;
  clientId: string | null;
  password: string;
  /** An API token (scope `api`, 1 day) — MFA-complete unless `mfa: false`. Empty for a client's account, which never has one. */
  token: string;
  /** The token's bearer header; for a client's account, a browser-like session's (MFA completed unless `mfa: false`). */
  headers: Record<string, string>;
}

let counter = 0;

function uniqueSuffix(): string {
  counter += 1;
  return `${counter}-${newId().slice(-8)}`;
}

export async function buildUser(
  instance: TestInstance,
  options: { role: FirmRole; name?: string; email?: string; mfa?: boolean; clientId?: string },
): Promise<BuiltUser> {
  const suffix = uniqueSuffix();
  const name = options.name ?? `Test ${options.role.replace('_', ' ')} ${suffix}`;
  const email = options.email ?? `${options.role}.${suffix}@firm.example`;
  const clientId = options.role === 'client' ? (options.clientId ?? newId()) : null;
  const ctx = instance.system('factory');
  const user = await createUser(ctx, { email, name, role: options.role, clientId, password: FACTORY_PASSWORD });
  const base = { id: user.id as UserId, email: user.email, name: user.name, role: user.role, clientId, password: FACTORY_PASSWORD };
  if (options.role === 'client') return { ...base, token: '', headers: (await buildSession(instance, user, { mfa: options.mfa ?? true })).headers };
  const { token } = await createToken(ctx, { userId: user.id, name: 'factory', scopes: ['api'], expiresInMs: 86_400_000, mfaComplete: options.mfa ?? true, createdBy: 'cli' });
  return { ...base, token, headers: { authorization: `Bearer ${token}` } };
}

export interface BuiltSession {
  sessionId: string;
  /** Send both on state-changing requests: the cookie header and the CSRF header. */
  headers: { cookie: string; 'x-csrf-token': string };
  cookie: string;
  csrfToken: string;
}

/** A browser-like session (cookie + CSRF header) for `user`, MFA completed unless `mfa: false`. */
export async function buildSession(instance: TestInstance, user: { id: string }, options: { mfa?: boolean } = {}): Promise<BuiltSession> {
  const session = await unsafeOpenSession(instance.system('factory'), user.id, { mfa: options.mfa ?? true });
  const cookie = `${SESSION_COOKIE}=${session.secret}; ${CSRF_COOKIE}=${session.csrfToken}`;
  return { sessionId: session.sessionId, cookie, csrfToken: session.csrfToken, headers: { cookie, [CSRF_HEADER]: session.csrfToken } as BuiltSession['headers'] };
}

/**
 * Opens a session for `userId` without checking any credential (the name says it bypasses
 * sign-in): test-support only, never on identity's contract. Throws USER_NOT_FOUND.
 */
async function unsafeOpenSession(ctx: RequestContext, userId: string, options: { mfa: boolean }): Promise<{ sessionId: string; secret: string; csrfToken: string }> {
  return inTransaction(ctx, async (tx) => {
    const user = await findUserById(tx.db, userId);
    if (!user) throw new AppError('USER_NOT_FOUND');
    const session = await createSession(tx, user, 'password');
    if (options.mfa) await markSessionMfa(tx, session.sessionId);
    return { sessionId: session.sessionId, secret: session.secret, csrfToken: session.csrfToken };
  });
}

// ---- a firm

export interface BuiltFirm {
  /** Runs the system; holds no client data. */
  admin: BuiltUser;
  /** Manages walls, reads the audit log and access reports. */
  compliance: BuiltUser;
  /** Opens clients and matters. */
  attorney: BuiltUser;
}

/** The people a firm starts with: an administrator, a compliance officer and an attorney (each with an MFA-complete token; add `buildSession` for step-up calls). */
export async function buildFirm(instance: TestInstance): Promise<BuiltFirm> {
  const admin = await buildUser(instance, { role: 'firm_admin' });
  const compliance = await buildUser(instance, { role: 'compliance_officer' });
  const attorney = await buildUser(instance, { role: 'attorney' });
  return { admin, compliance, attorney };
}

// ---- vault and access, through the HTTP API

type Headers = Record<string, string>;

async function request(instance: TestInstance, what: string, options: { method: 'POST'; url: string; headers: Headers; payload: unknown }): Promise<Record<string, unknown>> {
  if (!instance.app) throw new Error(`${what}: this factory calls the HTTP API; create the test instance with HTTP (the default)`);
  const response = await instance.app.inject({ method: options.method, url: `/api/v1${options.url}`, headers: options.headers, payload: options.payload as string });
  if (response.statusCode !== 201) throw new Error(`${what}: the server answered ${response.statusCode} ${response.body}`);
  return response.json() as Record<string, unknown>;
}

export interface BuiltClient {
  id: ClientId;
  /** Same as `id`, so a built client fits where `{ clientId }` is expected. */
  clientId: ClientId;
  name: string;
  /** The attorney who created it (they hold a client-level grant). */
  by: BuiltUser;
}

/** A client (an organisation unless `kind` says otherwise) created through `POST /clients` by `by` (a new attorney when absent). */
export async function buildClient(instance: TestInstance, options: { by?: BuiltUser; name?: string; kind?: 'organisation' | 'person'; email?: string } = {}): Promise<BuiltClient> {
  const by = options.by ?? (await buildUser(instance, { role: 'attorney' }));
  const name = options.name ?? `Client ${uniqueSuffix()} Ltd`;
  const body = await request(instance, 'buildClient', {
    method: 'POST',
    url: '/clients',
    headers: by.headers,
    payload: { kind: options.kind ?? 'organisation', name, ...(options.email !== undefined ? { email: options.email } : {}) },
  });
  const id = body.id as ClientId;
  return { id, clientId: id, name, by };
}

export interface BuiltMatter {
  id: MatterId;
  /** Same as `id`, so a built matter fits where `{ clientId, matterId }` is expected. */
  matterId: MatterId;
  clientId: ClientId;
  number: string;
  title: string;
  client: BuiltClient;
  /** The lead attorney (the person who opened it). */
  lead: BuiltUser;
}

/**
 * A matter opened through `POST /matters` by `lead`, who becomes its lead attorney. Without
 * `client`, a client is built by `lead` (or by a new attorney); with `client` and no `lead`, the
 * client's creator opens it. A given `lead` must be allowed to open matters for a given `client`.
 */
export async function buildMatter(instance: TestInstance, options: { client?: BuiltClient; lead?: BuiltUser; title?: string } = {}): Promise<BuiltMatter> {
  const client = options.client ?? (await buildClient(instance, options.lead ? { by: options.lead } : {}));
  const lead = options.lead ?? client.by;
  const title = options.title ?? `Matter ${uniqueSuffix()}`;
  const body = await request(instance, 'buildMatter', { method: 'POST', url: '/matters', headers: lead.headers, payload: { clientId: client.id, title } });
  const id = body.id as MatterId;
  return { id, matterId: id, clientId: client.id, number: body.number as string, title, client, lead };
}

export interface BuiltWall {
  id: string;
  kind: 'exclusionary' | 'inclusionary';
  clientId: ClientId;
  matterId: MatterId | null;
  memberIds: UserId[];
  memo: string;
  /** The compliance officer who put it up. */
  by: BuiltUser;
}

/**
 * An ethical wall put up through `POST /walls` by `by` (a new compliance officer when absent), on
 * `matter` or (the whole) `client`. Exclusionary unless `kind` says otherwise.
 */
export async function buildWall(
  instance: TestInstance,
  options: ({ matter: { matterId: MatterId; clientId: ClientId }; client?: never } | { client: { clientId: ClientId }; matter?: never }) & {
    members: { id: string }[];
    kind?: 'exclusionary' | 'inclusionary';
    memo?: string;
    by?: BuiltUser;
  },
): Promise<BuiltWall> {
  const by = options.by ?? (await buildUser(instance, { role: 'compliance_officer' }));
  const kind = options.kind ?? 'exclusionary';
  const memo = options.memo ?? `Wall ${uniqueSuffix()}: screened by the factory.`;
  const memberIds = options.members.map((member) => member.id as UserId);
  const target = options.matter ? { matterId: options.matter.matterId } : { clientId: options.client!.clientId };
  const body = await request(instance, 'buildWall', { method: 'POST', url: '/walls', headers: by.headers, payload: { kind, ...target, userIds: memberIds, memo } });
  const clientId = options.matter ? options.matter.clientId : options.client!.clientId;
  return { id: body.id as string, kind, clientId, matterId: options.matter?.matterId ?? null, memberIds, memo, by };
}

export interface BuiltDocument {
  id: DocumentId;
  name: string;
  /** The bytes uploaded (version 1). */
  content: Buffer;
  matter: BuiltMatter;
  /** Who uploaded it (the matter's lead unless `by` was given). */
  by: BuiltUser;
}

/**
 * A document uploaded through `POST /matters/:id/documents` (streamed and encrypted like any
 * upload) by `by` (the matter's lead when absent), on `matter` (built when absent).
 */
export async function buildDocument(
  instance: TestInstance,
  options: { matter?: BuiltMatter; by?: BuiltUser; name?: string; content?: Buffer | string; classification?: string; privileged?: boolean } = {},
): Promise<BuiltDocument> {
  const matter = options.matter ?? (await buildMatter(instance, options.by ? { lead: options.by } : {}));
  const by = options.by ?? matter.lead;
  const name = options.name ?? `Document ${uniqueSuffix()}.txt`;
  const content = Buffer.isBuffer(options.content) ? options.content : Buffer.from(options.content ?? `Factory document content ${uniqueSuffix()}`, 'utf8');
  const query = new URLSearchParams();
  if (options.classification !== undefined) query.set('classification', options.classification);
  if (options.privileged !== undefined) query.set('privileged', String(options.privileged));
  const search = query.size > 0 ? `?${query.toString()}` : '';
  const body = await request(instance, 'buildDocument', {
    method: 'POST',
    url: `/matters/${matter.id}/documents${search}`,
    headers: { ...by.headers, 'content-type': 'application/octet-stream', 'x-document-name': Buffer.from(name, 'utf8').toString('base64url') },
    payload: content,
  });
  return { id: body.id as DocumentId, name, content, matter, by };
}

// ---- consent (disclosures)

async function call200(instance: TestInstance, what: string, options: { method: 'POST'; url: string; headers: Headers; payload?: unknown }): Promise<Record<string, unknown>> {
  const response = await instance.app.inject({ method: options.method, url: `/api/v1${options.url}`, headers: options.headers, ...(options.payload !== undefined ? { payload: options.payload as string } : {}) });
  if (response.statusCode !== 200) throw new Error(`${what}: the server answered ${response.statusCode} ${response.body}`);
  return response.json() as Record<string, unknown>;
}

export interface BuiltConsent {
  id: string;
  clientId: ClientId;
  /** The matter the signed form was uploaded to (the consent covers all matters unless `input` says otherwise). */
  matter: BuiltMatter;
  /** Who recorded it (the matter's lead). */
  by: BuiltUser;
  noticeId: string;
  /** The compliance officer who published the notice. */
  compliance: BuiltUser;
  evidence: BuiltDocument;
  body: Record<string, unknown>;
}

/**
 * A consent recorded through `POST /clients/:id/consents` by the matter's lead: a notice written
 * and published by `compliance` (a new compliance officer when absent), the signed form uploaded
 * to `matter` (built when absent). Defaults: litigation, documents and notes, the named recipient
 * `counsel@opposing.example` and the category court, the secure link, all matters; `input`
 * overrides any field of the request.
 */
export async function buildConsent(instance: TestInstance, options: { matter?: BuiltMatter; compliance?: BuiltUser; input?: Record<string, unknown> } = {}): Promise<BuiltConsent> {
  const matter = options.matter ?? (await buildMatter(instance));
  const compliance = options.compliance ?? (await buildUser(instance, { role: 'compliance_officer' }));
  const section = 'Set out for the factory.';
  const notice = await request(instance, 'buildConsent (notice)', {
    method: 'POST',
    url: '/notices',
    headers: compliance.headers,
    payload: { title: `Notice ${uniqueSuffix()}`, content: { collected: section, purposes: section, recipients: section, protection: section, retention: section, rights: section } },
  });
  await call200(instance, 'buildConsent (publish)', { method: 'POST', url: `/notices/${String(notice.id)}/publish`, headers: compliance.headers });
  const evidence = await buildDocument(instance, { matter, name: 'Signed consent form.pdf' });
  const body = await request(instance, 'buildConsent', {
    method: 'POST',
    url: `/clients/${matter.clientId}/consents`,
    headers: matter.lead.headers,
    payload: {
      purposes: ['litigation'],
      purposeText: 'Sharing the file with opposing counsel for the settlement talks',
      dataCategories: ['documents', 'notes'],
      recipients: [{ name: 'Opposing Counsel LLP', email: 'counsel@opposing.example' }],
      recipientCategories: ['court'],
      channels: ['secure_link'],
      matterScope: 'all',
      noticeId: notice.id,
      evidence: { kind: 'signed_form', documentId: evidence.id },
      ...options.input,
    },
  });
  return { id: body.id as string, clientId: matter.clientId, matter, by: matter.lead, noticeId: notice.id as string, compliance, evidence, body };
}

export interface BuiltDisclosure {
  id: string;
  status: string;
  matter: BuiltMatter;
  consent: BuiltConsent;
  /** The document disclosed (unless `items` was given). */
  document: BuiltDocument | null;
  /** Who requested it (the matter's lead). */
  by: BuiltUser;
  body: Record<string, unknown>;
}

/**
 * A disclosure requested through `POST /disclosures` by the matter's lead, under `consent` (built
 * when absent), of one new document (or `input.items`), to the consent's named recipient by the
 * secure link; `input` overrides any field of the request.
 */
export async function buildDisclosure(instance: TestInstance, options: { consent?: BuiltConsent; input?: Record<string, unknown> } = {}): Promise<BuiltDisclosure> {
  const consent = options.consent ?? (await buildConsent(instance));
  const matter = consent.matter;
  const document = options.input?.items ? null : await buildDocument(instance, { matter, name: `Disclosed ${uniqueSuffix()}.txt` });
  const body = await request(instance, 'buildDisclosure', {
    method: 'POST',
    url: '/disclosures',
    headers: matter.lead.headers,
    payload: {
      clientId: matter.clientId,
      matterId: matter.id,
      recipient: { name: 'Opposing Counsel LLP', email: 'counsel@opposing.example' },
      items: document ? [{ type: 'document', id: document.id }] : [],
      purpose: 'litigation',
      purposeText: 'Settlement talks',
      channel: 'secure_link',
      basis: { kind: 'consent', consentId: consent.id },
      ...options.input,
    },
  });
  return { id: body.id as string, status: body.status as string, matter, consent, document, by: matter.lead, body };
}

// ---- portal

export interface BuiltPortalContact {
  id: UserId;
  email: string;
  name: string;
  clientId: ClientId;
  /** The matter the contact was invited on (with `matterScope: 'listed'` the only one they see). */
  matter: BuiltMatter;
  /** The lead who invited them. */
  by: BuiltUser;
  /** A signed-in session with its second factor done (portal contacts always need one). */
  session: BuiltSession;
  headers: BuiltSession['headers'];
  body: Record<string, unknown>;
}

/**
 * A client's portal contact invited through `POST /clients/:id/portal-invitations` by the matter's
 * lead (`matter` built when absent), for all the client's matters unless `matterScope: 'listed'`
 * (then only `matter`), with a signed-in, MFA-complete session; `input` overrides the request.
 */
export async function buildPortalContact(instance: TestInstance, options: { matter?: BuiltMatter; matterScope?: 'all' | 'listed'; input?: Record<string, unknown> } = {}): Promise<BuiltPortalContact> {
  const matter = options.matter ?? (await buildMatter(instance));
  const suffix = uniqueSuffix();
  const scope = options.matterScope ?? 'all';
  const body = await request(instance, 'buildPortalContact', {
    method: 'POST',
    url: `/clients/${matter.clientId}/portal-invitations`,
    headers: matter.lead.headers,
    payload: { email: `contact.${suffix}@client.example`, name: `Client Contact ${suffix}`, matterScope: scope, ...(scope === 'listed' ? { matterIds: [matter.id] } : {}), ...options.input },
  });
  const contact = body.contact as { id: UserId; email: string; name: string };
  const session = await buildSession(instance, { id: contact.id });
  return { id: contact.id, email: contact.email, name: contact.name, clientId: matter.clientId, matter, by: matter.lead, session, headers: session.headers, body };
}

// ---- compliance, through the HTTP API

export interface BuiltPolicy {
  id: string;
  title: string;
  version: number;
  /** The compliance officer who added it (its owner too unless `owner` was given). */
  by: BuiltUser;
}

/** A policy with one Markdown version, added by a compliance officer (built when absent); `required` unless told otherwise. */
export async function buildPolicy(instance: TestInstance, options: { by?: BuiltUser; owner?: BuiltUser; title?: string; required?: boolean; text?: string } = {}): Promise<BuiltPolicy> {
  const by = options.by ?? (await buildUser(instance, { role: 'compliance_officer' }));
  const title = options.title ?? `Policy ${uniqueSuffix()}`;
  const body = await request(instance, 'buildPolicy', {
    method: 'POST',
    url: '/compliance/policies',
    headers: by.headers,
    payload: { title, ownerUserId: (options.owner ?? by).id, required: options.required ?? true, content: { format: 'markdown', text: options.text ?? `# ${title}\n\nKeep client matters confidential.` } },
  });
  return { id: body.id as string, title, version: body.currentVersion as number, by };
}

export interface BuiltCourse {
  id: string;
  title: string;
  by: BuiltUser;
}

/** A confidentiality course for attorneys, paralegals and staff (pass mark 80, yearly refresher) unless `input` says otherwise. */
export async function buildCourse(instance: TestInstance, options: { by?: BuiltUser; input?: Record<string, unknown> } = {}): Promise<BuiltCourse> {
  const by = options.by ?? (await buildUser(instance, { role: 'compliance_officer' }));
  const title = `Course ${uniqueSuffix()}`;
  const body = await request(instance, 'buildCourse', {
    method: 'POST',
    url: '/compliance/courses',
    headers: by.headers,
    payload: { title, roles: ['attorney', 'paralegal', 'staff'], passMark: 80, refresherDays: 365, confidentiality: true, ...options.input },
  });
  return { id: body.id as string, title: body.title as string, by };
}

export interface BuiltAgreement {
  id: string;
  person: BuiltUser;
  by: BuiltUser;
}

/** A signed confidentiality agreement of `person` (an attorney built when absent), signed today, with no end unless `expiresDate`. */
export async function buildAgreement(instance: TestInstance, options: { person?: BuiltUser; by?: BuiltUser; expiresDate?: string | null } = {}): Promise<BuiltAgreement> {
  const person = options.person ?? (await buildUser(instance, { role: 'attorney' }));
  const by = options.by ?? (await buildUser(instance, { role: 'compliance_officer' }));
  const body = await request(instance, 'buildAgreement', {
    method: 'POST',
    url: '/compliance/agreements',
    headers: by.headers,
    payload: { userId: person.id, party: 'employee', title: 'Confidentiality agreement', signedDate: new Date(instance.clock.now()).toISOString().slice(0, 10), expiresDate: options.expiresDate ?? null },
  });
  return { id: body.id as string, person, by };
}

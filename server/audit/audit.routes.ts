/**
 * /api/v1/audit/*. Audit cannot import the access module (access imports audit), so access
 * provides an authorizer (`provides.audit.authorize`) and these routes ask it for the policy's
 * permissions: `audit.read` (compliance officers: the log, its reports and alerts) and
 * `audit.status.read` (also firm administrators: checkpoints and verification status). Any
 * signed-in user may read the checkpoint, the public key and proofs (clients verify their own
 * data). Denials are audited.
 */
import { firmAuthorizer } from './hooks.js';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { Permission } from '../../common/permissions.js';
import type { AppServices, RequestContext } from '../platform/context.js';
import { AppError } from '../platform/errors.js';
import { errorResponses, SIGNED_IN_ERRORS } from '../platform/http/errors-schema.js';
import { acknowledgeAlert, listAlerts } from './alerts.js';
import { createCheckpoint, latestCheckpoint } from './checkpoints.js';
import { readTreeHead } from './log.js';
import { breachScope, consistencyProof, findEvents, inclusionProof, personMatterReport, whoAccessed } from './queries.js';
import { recordEventImpl } from './record.js';
import { loadSigningKey } from './signing.js';
import { verificationStatus } from './verification-job.js';

const Id = Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_.:@-]+$' });
const Index = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });
const Time = Type.Integer({ minimum: 0, maximum: 8.64e15, description: 'epoch milliseconds' });
const B64 = Type.String({ description: 'base64' });

const Leaf = Type.Object(
  {
    v: Type.Integer(),
    index: Type.Integer(),
    at: Type.Integer(),
    actorType: Type.String(),
    actorId: Type.Optional(Type.String()),
    sessionId: Type.Optional(Type.String()),
    requestId: Type.Optional(Type.String()),
    ip: Type.Optional(Type.String()),
    userAgent: Type.Optional(Type.String()),
    action: Type.String(),
    outcome: Type.String(),
    reason: Type.Optional(Type.String()),
    clientId: Type.Optional(Type.String()),
    matterId: Type.Optional(Type.String()),
    documentId: Type.Optional(Type.String()),
    userId: Type.Optional(Type.String()),
    otherType: Type.Optional(Type.String()),
    otherId: Type.Optional(Type.String()),
    purpose: Type.Optional(Type.String()),
  },
  { description: 'The decoded fields of the leaf' },
);
const Event = Type.Object({ index: Type.Integer(), leaf: B64, leafHash: B64, event: Leaf });
const ProvenEvent = Type.Object({ index: Type.Integer(), leaf: B64, leafHash: B64, event: Leaf, inclusionProof: Type.Array(B64) });
const CheckpointBody = Type.Object({ size: Type.Integer(), rootHash: B64, note: Type.String({ description: 'C2SP tlog-checkpoint signed note' }), createdAt: Type.Integer() });
const Alert = Type.Object({
  id: Type.String(),
  rule: Type.String(),
  actorId: Type.Union([Type.String(), Type.Null()]),
  severity: Type.String(),
  firstIndex: Type.Union([Type.Integer(), Type.Null()]),
  lastIndex: Type.Union([Type.Integer(), Type.Null()]),
  detail: Type.Record(Type.String(), Type.Union([Type.Number(), Type.String()])),
  contained: Type.Boolean(),
  status: Type.Union([Type.Literal('open'), Type.Literal('acknowledged')]),
  createdAt: Type.Integer(),
  acknowledgedBy: Type.Union([Type.String(), Type.Null()]),
  acknowledgedAt: Type.Union([Type.Integer(), Type.Null()]),
});

const EventsQuery = Type.Object(
  {
    from: Type.Optional(Index),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
    actorId: Type.Optional(Id),
    clientId: Type.Optional(Id),
    matterId: Type.Optional(Id),
    documentId: Type.Optional(Id),
    action: Type.Optional(Type.String({ minLength: 1, maxLength: 100, pattern: '^[a-z][a-z0-9_.]*$' })),
    outcome: Type.Optional(Type.Union([Type.Literal('allowed'), Type.Literal('denied')])),
    since: Type.Optional(Time),
    until: Type.Optional(Time),
  },
  { additionalProperties: false },
);

/** Reading the log, its reports and alerts (compliance). */
const LOG_READERS: Permission = 'audit.read';
/** Checkpoints and verification status (compliance and administrators). */
const STATUS_READERS: Permission = 'audit.status.read';

/**
 * Returns the actor's id when the access policy gives them `permission` (asked through the
 * authorizer access provides); otherwise audits the denial and throws FORBIDDEN. With no
 * authorizer installed, only system actors pass (fail closed).
 */
async function requireRole(ctx: RequestContext, permission: Permission, action: string): Promise<string> {
  const actor = ctx.actor;
  if (actor.kind === 'anonymous') throw new AppError('UNAUTHENTICATED', 'Sign in first');
  if (actor.kind === 'system') return actor.name;
  const authorize = firmAuthorizer(ctx.app);
  if (actor.kind === 'user' && authorize && (await authorize(ctx, permission))) return actor.userId;
  await recordEventImpl(ctx, { action, outcome: 'denied', reason: 'ROLE' });
  throw new AppError('FORBIDDEN', 'Your role may not do this');
}

/**
 * Reading the audit trail about a client/matter/document is recorded with the target as `other`,
 * not as clientId/matterId: it reveals metadata, not client data, and must not make the compliance
 * officer appear in "who accessed this client" reports.
 */
function reportTarget(filter: { clientId?: string; matterId?: string; documentId?: string }): { resources?: { other: { type: string; id: string } } } {
  if (filter.documentId) return { resources: { other: { type: 'document', id: filter.documentId } } };
  if (filter.matterId) return { resources: { other: { type: 'matter', id: filter.matterId } } };
  if (filter.clientId) return { resources: { other: { type: 'client', id: filter.clientId } } };
  return {};
}

function requireSignedIn(ctx: RequestContext): void {
  if (ctx.actor.kind === 'anonymous') throw new AppError('UNAUTHENTICATED', 'Sign in first');
}

export async function auditRoutes(fastify: FastifyInstance, services: AppServices): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['audit'];
  /** Signed in, and a role check (403) or the log's availability (503). */
  const errors = errorResponses(...SIGNED_IN_ERRORS);
  /** Also with input: a bad query or range (400). */
  const inputErrors = errorResponses(400, ...SIGNED_IN_ERRORS);

  app.get(
    '/audit/public-key',
    {
      schema: {
        tags,
        summary: 'The checkpoint signing public key (Ed25519) and note verifier key',
        response: { 200: Type.Object({ origin: Type.String(), keyName: Type.String(), algorithm: Type.Literal('Ed25519'), publicKey: B64, verifierKey: Type.String() }), ...errors },
      },
    },
    async (request) => {
      requireSignedIn(request.ctx);
      let key;
      try {
        key = loadSigningKey(services.config.dataDir);
      } catch {
        throw new AppError('AUDIT_UNAVAILABLE', 'The audit signing key is not available');
      }
      return { origin: key.origin, keyName: key.keyName, algorithm: 'Ed25519' as const, publicKey: key.publicKeyBytes.toString('base64'), verifierKey: key.verifierKey };
    },
  );

  app.get(
    '/audit/checkpoint',
    { schema: { tags, summary: 'The latest signed checkpoint (tree size, root hash, signed note)', response: { 200: CheckpointBody, ...errors } } },
    async (request) => {
      requireSignedIn(request.ctx);
      const checkpoint = (await latestCheckpoint(services)) ?? (await createCheckpoint(services));
      return { size: checkpoint.size, rootHash: checkpoint.root.toString('base64'), note: checkpoint.note, createdAt: checkpoint.createdAt };
    },
  );

  app.post(
    '/audit/checkpoints',
    { schema: { tags, summary: 'Sign a checkpoint of the current tree now', response: { 200: CheckpointBody, ...errors } } },
    async (request) => {
      await requireRole(request.ctx, STATUS_READERS, 'audit.checkpoint.create');
      const checkpoint = await createCheckpoint(services);
      return { size: checkpoint.size, rootHash: checkpoint.root.toString('base64'), note: checkpoint.note, createdAt: checkpoint.createdAt };
    },
  );

  const InclusionQuery = Type.Object({ index: Index, treeSize: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER })) }, { additionalProperties: false });
  app.get(
    '/audit/proofs/inclusion',
    {
      schema: {
        tags,
        summary: 'RFC 9162 inclusion proof of one event in a tree size',
        querystring: InclusionQuery,
        response: { 200: Type.Object({ index: Type.Integer(), treeSize: Type.Integer(), leafHash: B64, rootHash: B64, proof: Type.Array(B64) }), ...inputErrors },
      },
    },
    async (request) => {
      requireSignedIn(request.ctx);
      return inclusionProof(request.ctx, request.query.index, request.query.treeSize);
    },
  );

  const ConsistencyQuery = Type.Object({ from: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }), to: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER })) }, { additionalProperties: false });
  app.get(
    '/audit/proofs/consistency',
    {
      schema: {
        tags,
        summary: 'RFC 9162 consistency proof between two tree sizes',
        querystring: ConsistencyQuery,
        response: { 200: Type.Object({ from: Type.Integer(), to: Type.Integer(), fromRoot: B64, toRoot: B64, proof: Type.Array(B64) }), ...inputErrors },
      },
    },
    async (request) => {
      requireSignedIn(request.ctx);
      return consistencyProof(request.ctx, request.query.from, request.query.to);
    },
  );

  app.get(
    '/audit/events',
    {
      schema: {
        tags,
        summary: 'Events in index order with their exact leaf bytes (compliance officer)',
        querystring: EventsQuery,
        response: { 200: Type.Object({ events: Type.Array(Event), next: Type.Union([Type.Integer(), Type.Null()]), treeSize: Type.Integer() }), ...inputErrors },
      },
    },
    async (request) => {
      const ctx = request.ctx;
      await requireRole(ctx, LOG_READERS, 'audit.read');
      const { limit = 100, ...filter } = request.query;
      if (filter.since !== undefined && filter.until !== undefined && filter.since > filter.until) throw new AppError('VALIDATION_FAILED', 'since must not be after until', [{ path: 'querystring.since', message: 'must not be after until' }]);
      // Reading the log is itself audited (filters are opaque ids; recorded before any byte is returned).
      await recordEventImpl(ctx, { action: 'audit.read', outcome: 'allowed', ...reportTarget(filter) });
      const head = await readTreeHead(ctx.db);
      const page = await findEvents(ctx, filter, limit);
      return { ...page, treeSize: head.size };
    },
  );

  const AccessQuery = Type.Object(
    { clientId: Type.Optional(Id), matterId: Type.Optional(Id), documentId: Type.Optional(Id), since: Type.Optional(Time), until: Type.Optional(Time) },
    { additionalProperties: false },
  );
  app.get(
    '/audit/reports/access',
    {
      schema: {
        tags,
        summary: 'Who accessed this client, matter or document',
        querystring: AccessQuery,
        response: {
          200: Type.Object({
            actors: Type.Array(
              Type.Object({ actorId: Type.Union([Type.String(), Type.Null()]), actorType: Type.String(), allowed: Type.Integer(), denied: Type.Integer(), firstAt: Type.Integer(), lastAt: Type.Integer() }),
            ),
          }),
          ...inputErrors,
        },
      },
    },
    async (request) => {
      const ctx = request.ctx;
      await requireRole(ctx, LOG_READERS, 'audit.report.access');
      const { clientId, matterId, documentId, since, until } = request.query;
      if (!clientId && !matterId && !documentId) throw new AppError('VALIDATION_FAILED', 'Give clientId, matterId or documentId', [{ path: 'querystring.clientId', message: 'one of clientId, matterId, documentId is required' }]);
      const target = { ...(clientId ? { clientId } : {}), ...(matterId ? { matterId } : {}), ...(documentId ? { documentId } : {}) };
      await recordEventImpl(ctx, { action: 'audit.report.access', outcome: 'allowed', ...reportTarget(target) });
      return { actors: await whoAccessed(ctx, target, { since, until }) };
    },
  );

  const PersonMatterQuery = Type.Object({ userId: Id, matterId: Id, since: Time, until: Time }, { additionalProperties: false });
  app.get(
    '/audit/reports/person-matter',
    {
      schema: {
        tags,
        summary: 'Did person P access matter M between two dates — with checkpoint and inclusion proofs',
        querystring: PersonMatterQuery,
        response: {
          200: Type.Object({
            userId: Type.String(),
            matterId: Type.String(),
            since: Type.Integer(),
            until: Type.Integer(),
            accessed: Type.Boolean(),
            events: Type.Array(ProvenEvent),
            checkpoint: Type.Object({ size: Type.Integer(), root: B64, note: Type.String() }),
            truncated: Type.Boolean(),
          }),
          ...inputErrors,
        },
      },
    },
    async (request) => {
      const ctx = request.ctx;
      await requireRole(ctx, LOG_READERS, 'audit.report.person_matter');
      const { userId, matterId, since, until } = request.query;
      await recordEventImpl(ctx, { action: 'audit.report.person_matter', outcome: 'allowed', resources: { userId, other: { type: 'matter', id: matterId } } });
      return personMatterReport(ctx, userId, matterId, since, until);
    },
  );

  const BreachQuery = Type.Object({ actorId: Id, since: Time, until: Time }, { additionalProperties: false });
  app.get(
    '/audit/reports/breach-scope',
    {
      schema: {
        tags,
        summary: 'Everything an actor touched between two times (clients, matters, documents)',
        querystring: BreachQuery,
        response: {
          200: Type.Object({
            actorId: Type.String(),
            since: Type.Integer(),
            until: Type.Integer(),
            events: Type.Integer(),
            clients: Type.Array(Type.String()),
            matters: Type.Array(Type.String()),
            documents: Type.Array(Type.String()),
            firstIndex: Type.Union([Type.Integer(), Type.Null()]),
            lastIndex: Type.Union([Type.Integer(), Type.Null()]),
          }),
          ...inputErrors,
        },
      },
    },
    async (request) => {
      const ctx = request.ctx;
      await requireRole(ctx, LOG_READERS, 'audit.report.breach_scope');
      const { actorId, since, until } = request.query;
      await recordEventImpl(ctx, { action: 'audit.report.breach_scope', outcome: 'allowed', resources: { userId: actorId } });
      return breachScope(ctx, actorId, since, until);
    },
  );

  const AlertsQuery = Type.Object(
    { status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('acknowledged')])), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })) },
    { additionalProperties: false },
  );
  app.get(
    '/audit/alerts',
    { schema: { tags, summary: 'Alerts raised by monitoring rules and verification', querystring: AlertsQuery, response: { 200: Type.Object({ alerts: Type.Array(Alert) }), ...inputErrors } } },
    async (request) => {
      await requireRole(request.ctx, LOG_READERS, 'alert.read');
      return { alerts: await listAlerts(request.ctx, { status: request.query.status, limit: request.query.limit ?? 100 }) };
    },
  );

  const AlertParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 36, pattern: '^[0-9a-f-]+$' }) });
  app.post(
    '/audit/alerts/:id/acknowledge',
    { schema: { tags, summary: 'Acknowledge an alert (audited)', params: AlertParams, response: { 200: Alert, ...errorResponses(400, 404, ...SIGNED_IN_ERRORS) } } },
    async (request) => {
      const actorId = await requireRole(request.ctx, LOG_READERS, 'alert.acknowledge');
      return acknowledgeAlert(request.ctx, request.params.id, actorId);
    },
  );

  app.get(
    '/audit/verification',
    {
      schema: {
        tags,
        summary: 'Result of the last scheduled verification, and the current tree head',
        response: {
          200: Type.Object({
            treeSize: Type.Integer(),
            rootHash: B64,
            lastRunAt: Type.Union([Type.Integer(), Type.Null()]),
            ok: Type.Union([Type.Boolean(), Type.Null()]),
            firstBadIndex: Type.Union([Type.Integer(), Type.Null()]),
            problems: Type.Array(Type.String()),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      await requireRole(request.ctx, STATUS_READERS, 'audit.verification.read');
      const head = await readTreeHead(request.ctx.db);
      const status = await verificationStatus(services);
      return {
        treeSize: head.size,
        rootHash: head.root.toString('base64'),
        lastRunAt: status.lastRunAt,
        ok: status.report ? status.report.ok : null,
        firstBadIndex: status.report?.firstBadIndex ?? null,
        problems: status.report?.problems ?? [],
      };
    },
  );
}

/**
 * TypeBox schemas of the audit routes (they also feed the OpenAPI document), and the one
 * definition of a leaf's decoded fields: `AuditLeaf` is derived from `LeafSchema`, so the API, the
 * sinks and the code that decodes leaves cannot drift apart.
 */
import { Type, type Static } from 'typebox';

export const Id = Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_.:@-]+$' });
export const Index = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });
export const Time = Type.Integer({ minimum: 0, maximum: 8.64e15, description: 'epoch milliseconds' });
const B64 = Type.String({ description: 'base64' });
const Nullable = <T extends ReturnType<typeof Type.String> | ReturnType<typeof Type.Integer>>(schema: T) => Type.Union([schema, Type.Null()]);

/** The decoded fields of a leaf (`v` is the leaf format version); absent fields are omitted. See docs/audit.md. */
export const LeafSchema = Type.Object(
  {
    v: Type.Literal(1),
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
export type AuditLeaf = Static<typeof LeafSchema>;

/**
 * Names for the ids in an answer, as this viewer may see them: people's names and matter numbers;
 * matter titles and client names only where the viewer may open that matter or client (null
 * otherwise). Ids nobody could name are absent.
 */
export const NamesSchema = Type.Object(
  {
    users: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), email: Type.String() })),
    matters: Type.Array(Type.Object({ id: Type.String(), number: Type.String(), clientId: Type.String(), title: Nullable(Type.String()), clientName: Nullable(Type.String()) })),
    clients: Type.Array(Type.Object({ id: Type.String(), name: Nullable(Type.String()) })),
  },
  { description: 'Names for the ids in this answer; titles and client names only where the viewer may open them' },
);
export type Names = Static<typeof NamesSchema>;

export const EventSchema = Type.Object({ index: Type.Integer(), leaf: B64, leafHash: B64, event: LeafSchema });
export type PresentedEvent = Static<typeof EventSchema>;
export const ProvenEventSchema = Type.Object({ index: Type.Integer(), leaf: B64, leafHash: B64, event: LeafSchema, inclusionProof: Type.Array(B64) });
export type ProvenEvent = Static<typeof ProvenEventSchema>;

export const CheckpointSchema = Type.Object({ size: Type.Integer(), rootHash: B64, note: Type.String({ description: 'C2SP tlog-checkpoint signed note' }), createdAt: Type.Integer() });

const alertProperties = {
  id: Type.String(),
  rule: Type.String(),
  actorId: Nullable(Type.String()),
  severity: Type.String(),
  firstIndex: Nullable(Type.Integer()),
  lastIndex: Nullable(Type.Integer()),
  detail: Type.Record(Type.String(), Type.Union([Type.Number(), Type.String()])),
  contained: Type.Boolean(),
  status: Type.Union([Type.Literal('open'), Type.Literal('acknowledged')]),
  createdAt: Type.Integer(),
  acknowledgedBy: Nullable(Type.String()),
  acknowledgedAt: Nullable(Type.Integer()),
};
export const AlertSchema = Type.Object(alertProperties);
/** An alert as listed: also the matter and client of the event that raised it (null when it named none). */
export const ListedAlertSchema = Type.Object({ ...alertProperties, matterId: Nullable(Type.String()), clientId: Nullable(Type.String()) });
export type Alert = Static<typeof AlertSchema>;

export const PublicKeySchema = Type.Object({ origin: Type.String(), keyName: Type.String(), algorithm: Type.Literal('Ed25519'), publicKey: B64, verifierKey: Type.String() });

export const InclusionQuery = Type.Object({ index: Index, treeSize: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER })) }, { additionalProperties: false });
export const InclusionSchema = Type.Object({ index: Type.Integer(), treeSize: Type.Integer(), leafHash: B64, rootHash: B64, proof: Type.Array(B64) });
export const ConsistencyQuery = Type.Object({ from: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }), to: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER })) }, { additionalProperties: false });
export const ConsistencySchema = Type.Object({ from: Type.Integer(), to: Type.Integer(), fromRoot: B64, toRoot: B64, proof: Type.Array(B64) });

export const EventsQuery = Type.Object(
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
export const EventPageSchema = Type.Object({ events: Type.Array(EventSchema), next: Nullable(Type.Integer()), treeSize: Type.Integer(), names: NamesSchema });

export const AccessQuery = Type.Object(
  { clientId: Type.Optional(Id), matterId: Type.Optional(Id), documentId: Type.Optional(Id), since: Type.Optional(Time), until: Type.Optional(Time) },
  { additionalProperties: false },
);
export const AccessSummarySchema = Type.Object({ actorId: Nullable(Type.String()), actorType: Type.String(), allowed: Type.Integer(), denied: Type.Integer(), firstAt: Type.Integer(), lastAt: Type.Integer() });
export type AccessSummary = Static<typeof AccessSummarySchema>;
export const AccessReportSchema = Type.Object({ actors: Type.Array(AccessSummarySchema), names: NamesSchema });

export const PersonMatterQuery = Type.Object({ userId: Id, matterId: Id, since: Time, until: Time }, { additionalProperties: false });
export const PersonMatterSchema = Type.Object({
  userId: Type.String(),
  matterId: Type.String(),
  since: Type.Integer(),
  until: Type.Integer(),
  accessed: Type.Boolean(),
  events: Type.Array(ProvenEventSchema),
  /** The signed checkpoint the proofs lead to. */
  checkpoint: Type.Object({ size: Type.Integer(), root: B64, note: Type.String() }),
  truncated: Type.Boolean(),
  names: NamesSchema,
});
export type PersonMatterReport = Static<typeof PersonMatterSchema>;

export const BreachQuery = Type.Object({ actorId: Id, since: Time, until: Time }, { additionalProperties: false });
export const BreachScopeSchema = Type.Object({
  actorId: Type.String(),
  since: Type.Integer(),
  until: Type.Integer(),
  events: Type.Integer(),
  clients: Type.Array(Type.String()),
  matters: Type.Array(Type.String()),
  documents: Type.Array(Type.String()),
  firstIndex: Nullable(Type.Integer()),
  lastIndex: Nullable(Type.Integer()),
  names: NamesSchema,
});
export type BreachScope = Static<typeof BreachScopeSchema>;

export const AlertsQuery = Type.Object(
  { status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('acknowledged')])), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })) },
  { additionalProperties: false },
);
export const AlertListSchema = Type.Object({ alerts: Type.Array(ListedAlertSchema), names: NamesSchema });
export const AlertParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 36, pattern: '^[0-9a-f-]+$' }) });

export const VerificationSchema = Type.Object({
  treeSize: Type.Integer(),
  rootHash: B64,
  lastRunAt: Nullable(Type.Integer()),
  ok: Type.Union([Type.Boolean(), Type.Null()]),
  firstBadIndex: Nullable(Type.Integer()),
  problems: Type.Array(Type.String()),
});

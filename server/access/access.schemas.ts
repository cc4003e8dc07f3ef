/** TypeBox request and response schemas for the access routes (they also feed OpenAPI). */
import { Type } from 'typebox';
import { PERMISSIONS, type Permission } from '../../common/permissions.js';
import type { ClientId, MatterId } from '../../common/ids.js';
import { MATTER_ROLES, type MatterRole } from '../../common/roles.js';
import { branded } from '../platform/http/branded.js';
import { UUID_PATTERN } from '../platform/ids.js';
import { MAX_TIME_MS } from '../platform/http/schema-limits.js';

export const Id = Type.String({ pattern: UUID_PATTERN });
const MatterIdSchema = branded<MatterId>(Id);
const ClientIdSchema = branded<ClientId>(Id);
const Time = Type.Integer({ minimum: 0, maximum: MAX_TIME_MS, description: 'epoch milliseconds' });
const NullableTime = Type.Union([Time, Type.Null()]);
const NullableString = Type.Union([Type.String(), Type.Null()]);
export const MatterRoleSchema = Type.Unsafe<MatterRole>({ type: 'string', enum: [...MATTER_ROLES] });
export const PermissionSchema = Type.Unsafe<Permission>({ type: 'string', enum: [...PERMISSIONS] });
const WallKind = Type.Union([Type.Literal('exclusionary'), Type.Literal('inclusionary')]);
/** A matter by its number; title and client name only for a viewer who may open the matter (null otherwise). */
const MatterLabel = Type.Union([
  Type.Object({ id: Type.String(), number: Type.String(), title: NullableString, clientId: Type.String(), clientName: NullableString }, { description: 'title and clientName are null unless you may open the matter' }),
  Type.Null(),
]);
/** A client; its name only for a viewer who may open the client (null otherwise). */
const ClientLabel = Type.Union([Type.Object({ id: Type.String(), name: NullableString }, { description: 'name is null unless you may open the client' }), Type.Null()]);
export { NoContent } from '../platform/http/response-schemas.js';

export const IdParams = Type.Object({ id: Id }, { additionalProperties: false });
export const MatterParams = Type.Object({ matterId: MatterIdSchema }, { additionalProperties: false });
export const MatterUserParams = Type.Object({ matterId: MatterIdSchema, userId: Id }, { additionalProperties: false });
export const ClientParams = Type.Object({ clientId: ClientIdSchema }, { additionalProperties: false });
export const GateParams = Type.Object({ gate: Type.String({ pattern: '^[a-z_]{1,40}$' }) }, { additionalProperties: false });

export const TeamMember = Type.Object({ userId: Type.String(), name: NullableString, email: NullableString, role: MatterRoleSchema, addedAt: Time, expiresAt: NullableTime });
export const Team = Type.Object({ members: Type.Array(TeamMember) });
export const SetTeamMemberBody = Type.Object({ role: MatterRoleSchema, expiresAt: Type.Optional(NullableTime) }, { additionalProperties: false });

export const Wall = Type.Object({
  id: Type.String(),
  kind: WallKind,
  clientId: Type.String(),
  matterId: NullableString,
  matter: MatterLabel,
  client: ClientLabel,
  memo: Type.String(),
  createdAt: Time,
  createdBy: NullableString,
  createdByName: NullableString,
  liftedAt: NullableTime,
  liftedBy: NullableString,
  liftedByName: NullableString,
  members: Type.Array(Type.Object({ userId: Type.String(), name: NullableString, email: NullableString, acknowledgedAt: NullableTime })),
  acknowledgements: Type.Array(Type.Object({ userId: Type.String(), name: NullableString, acknowledgedAt: Time })),
  awaiting: Type.Optional(
    Type.Array(Type.Object({ userId: Type.String(), name: NullableString, email: NullableString }), {
      description: 'compliance only: the people the wall concerns (its members, the current team and client-wide grant holders) who have not acknowledged the memo',
    }),
  ),
  liftApproval: Type.Optional(Type.Union([Type.Object({ id: Type.String(), requestedBy: Type.String(), requestedByName: NullableString, requestedAt: Time }), Type.Null()], { description: 'compliance only: a pending request to lift the wall, waiting for a second person' })),
});
export const Walls = Type.Object({ walls: Type.Array(Wall) });
export const CreateWallBody = Type.Object(
  {
    kind: WallKind,
    clientId: Type.Optional(Id),
    matterId: Type.Optional(Id),
    userIds: Type.Array(Id, { minItems: 1, maxItems: 500 }),
    memo: Type.String({ minLength: 1, maxLength: 20_000 }),
  },
  { additionalProperties: false },
);
export const WallTargetQuery = Type.Object({ clientId: Type.Optional(Id), matterId: Type.Optional(Id) }, { additionalProperties: false });
export const WallTarget = Type.Object({ matter: MatterLabel, client: ClientLabel });
export const WallTargetSearchBody = Type.Object(
  { query: Type.String({ minLength: 1, maxLength: 100, description: 'The start of a matter number (case ignored)' }), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })) },
  { additionalProperties: false },
);
export const WallTargetMatches = Type.Object({ matters: Type.Array(Type.Object({ id: Type.String(), number: Type.String(), title: NullableString, clientId: Type.String(), clientName: NullableString }, { description: 'title and clientName are null unless you may open the matter' })) });
export const WallsQuery = Type.Object({ clientId: Type.Optional(Id), matterId: Type.Optional(Id), active: Type.Optional(Type.Boolean()) }, { additionalProperties: false });
export const NoticeBody = Type.Object(
  {
    firmName: Type.String({ minLength: 1, maxLength: 200 }),
    addressee: Type.String({ minLength: 1, maxLength: 1000 }),
    clientReference: Type.String({ minLength: 1, maxLength: 300 }),
    signatory: Type.String({ minLength: 1, maxLength: 200 }),
  },
  { additionalProperties: false },
);

export const Grant = Type.Object({
  id: Type.String(),
  clientId: Type.String(),
  client: ClientLabel,
  userId: Type.String(),
  name: NullableString,
  email: NullableString,
  role: MatterRoleSchema,
  grantedAt: Time,
  grantedBy: NullableString,
  grantedByName: NullableString,
  expiresAt: NullableTime,
  revokedAt: NullableTime,
  reason: Type.String(),
});
export const Grants = Type.Object({ grants: Type.Array(Grant) });
export const GrantBody = Type.Object({ userId: Id, role: MatterRoleSchema, expiresAt: Time }, { additionalProperties: false });

export const AccessRequest = Type.Object({
  id: Type.String(),
  matterId: Type.String(),
  /** Null on your own requests until they are decided: a pending request never tells whether the matter exists. */
  matter: MatterLabel,
  userId: Type.String(),
  name: NullableString,
  role: MatterRoleSchema,
  reason: Type.String(),
  status: Type.Union([Type.Literal('pending'), Type.Literal('approved'), Type.Literal('refused')]),
  requestedAt: Time,
  decidedAt: NullableTime,
  decidedBy: NullableString,
  decidedByName: NullableString,
  expiresAt: NullableTime,
});
export const AccessRequests = Type.Object({ requests: Type.Array(AccessRequest) });
export const AccessRequestBody = Type.Object({ matterId: Id, role: MatterRoleSchema, reason: Type.String({ minLength: 10, maxLength: 2000 }) }, { additionalProperties: false });
export const AccessRequestsQuery = Type.Object({ toDecide: Type.Optional(Type.Boolean()) }, { additionalProperties: false });
export const DecideBody = Type.Object({ decision: Type.Union([Type.Literal('approve'), Type.Literal('refuse')]), expiresAt: Type.Optional(NullableTime) }, { additionalProperties: false });

export const BreakGlass = Type.Object({
  id: Type.String(),
  matterId: Type.String(),
  matter: MatterLabel,
  clientId: Type.String(),
  userId: Type.String(),
  name: NullableString,
  justification: Type.String(),
  startedAt: Time,
  expiresAt: Time,
  reviewedAt: NullableTime,
  reviewedBy: NullableString,
  reviewedByName: NullableString,
  reviewOutcome: Type.Union([Type.Literal('justified'), Type.Literal('unjustified'), Type.Null()]),
  reviewNote: NullableString,
});
export const BreakGlassList = Type.Object({ sessions: Type.Array(BreakGlass) });
export const BreakGlassBody = Type.Object({ matterId: Id, justification: Type.String({ minLength: 20, maxLength: 4000 }) }, { additionalProperties: false });
export const BreakGlassQuery = Type.Object({ pendingReview: Type.Optional(Type.Boolean()) }, { additionalProperties: false });
export const ReviewBody = Type.Object({ outcome: Type.Union([Type.Literal('justified'), Type.Literal('unjustified')]), note: Type.String({ minLength: 1, maxLength: 4000 }) }, { additionalProperties: false });

export const GateSetting = Type.Object({ key: Type.String(), title: Type.String(), description: Type.String(), enabled: Type.Boolean(), defaultEnabled: Type.Boolean() });
export const GateSettings = Type.Object({ gates: Type.Array(GateSetting) });
export const GateBody = Type.Object({ enabled: Type.Boolean() }, { additionalProperties: false });
const AgreementKind = Type.Union([Type.Literal('agreement'), Type.Literal('training')]);
export const Agreement = Type.Object({ id: Type.String(), userId: Type.String(), name: NullableString, email: NullableString, kind: AgreementKind, completedAt: Time, expiresAt: NullableTime });
export const Agreements = Type.Object({ agreements: Type.Array(Agreement) });
export const AgreementBody = Type.Object({ userId: Id, kind: AgreementKind, completedAt: Time, expiresAt: Type.Optional(NullableTime) }, { additionalProperties: false });
export const AgreementsQuery = Type.Object({ userId: Type.Optional(Id) }, { additionalProperties: false });

export const CouldAccessQuery = Type.Object(
  { clientId: Type.Optional(Id), matterId: Type.Optional(Id), at: Type.Optional(Time), from: Type.Optional(Time), to: Type.Optional(Time) },
  { additionalProperties: false },
);
export const CouldAccessReport = Type.Object({
  clientId: Type.String(),
  client: ClientLabel,
  matterId: NullableString,
  matter: MatterLabel,
  from: Time,
  to: Time,
  people: Type.Array(
    Type.Object({
      userId: Type.String(),
      name: NullableString,
      periods: Type.Array(
        Type.Object({
          from: Time,
          until: NullableTime,
          basis: Type.Union([Type.Literal('team'), Type.Literal('grant'), Type.Literal('break_glass')]),
          role: Type.Union([MatterRoleSchema, Type.Null()]),
          matterId: NullableString,
          /** The matter's number, when it is known. */
          matterNumber: Type.Optional(Type.String()),
        }),
      ),
    }),
  ),
});

export const DecisionQuery = Type.Object({ permission: PermissionSchema, clientId: Type.Optional(ClientIdSchema), matterId: Type.Optional(MatterIdSchema) }, { additionalProperties: false });
export const DecisionView = Type.Object({
  allowed: Type.Boolean(),
  /** The error code a request would get (never the reason: a screen is not disclosed to the screened). */
  code: NullableString,
  /** With ACKNOWLEDGEMENT_REQUIRED only: the wall whose memo you must acknowledge first (`POST /walls/{id}/acknowledge`). */
  wallId: NullableString,
});

const ApprovalStatusSchema = Type.Union([Type.Literal('pending'), Type.Literal('approved'), Type.Literal('rejected'), Type.Literal('cancelled'), Type.Literal('expired')]);
export const Approval = Type.Object({
  id: Type.String(),
  kind: Type.String({ description: 'what the change is, e.g. identity.role, access.grant, keys.shred' }),
  payload: Type.Record(Type.String(), Type.Unknown(), { description: 'the change: ids, roles and times only' }),
  subjectUserId: NullableString,
  subjectName: NullableString,
  clientId: NullableString,
  client: ClientLabel,
  /** The matter the change is about (the wall to lift), by number. */
  matter: MatterLabel,
  status: ApprovalStatusSchema,
  requestedBy: Type.String(),
  requestedByName: NullableString,
  requestedAt: Time,
  expiresAt: Time,
  decidedBy: NullableString,
  decidedByName: NullableString,
  decidedAt: NullableTime,
});
export const Approvals = Type.Object({ approvals: Type.Array(Approval) });
export const ApprovalsQuery = Type.Object({ toDecide: Type.Optional(Type.Boolean()) }, { additionalProperties: false });
export const ApprovalDecisionBody = Type.Object({ decision: Type.Union([Type.Literal('approve'), Type.Literal('reject')]) }, { additionalProperties: false });
/** A change filed for a second person's approval instead of being made now (202). */
export const PendingApproval = Type.Object({ approval: Approval });

/** TypeBox schemas of the conflict check at intake (compliance officer's queue and decisions; the requester's own intakes). */
import { Type } from 'typebox';
import { UUID_PATTERN } from '../../platform/ids.js';

const Id = Type.String({ pattern: UUID_PATTERN });
const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);
const NullableInt = Type.Union([Type.Integer(), Type.Null()]);

export const ConflictCheckStatus = Type.Union([Type.Literal('clear'), Type.Literal('referred'), Type.Literal('cleared'), Type.Literal('waived'), Type.Literal('walled')]);

export const ConflictCheckIdParams = Type.Object({ checkId: Id });

export const ConflictCheckListQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    after: Type.Optional(Id),
    status: Type.Optional(ConflictCheckStatus),
  },
  { additionalProperties: false },
);

export const IntakeListQuery = Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })), after: Type.Optional(Id) }, { additionalProperties: false });

export const ConflictHitResponse = Type.Object({
  searchedName: Type.String({ description: 'The name of the intake that matched' }),
  searchedAs: Type.Union([Type.Literal('client'), Type.Literal('opposing'), Type.Literal('related')]),
  matchedKind: Type.Union([Type.Literal('client'), Type.Literal('party')]),
  matchedName: Type.String(),
  matchedRole: Type.Union([Type.Literal('opposing'), Type.Literal('related'), Type.Null()]),
  matchedClientId: Type.String(),
  matchedClientName: Type.String(),
  matchedMatterId: Nullable(Type.String()),
  matchedMatterNumber: Nullable(Type.String()),
  matchedMatterTitle: Nullable(Type.String()),
  match: Type.Union([Type.Literal('exact'), Type.Literal('normalised')], { description: 'exact: the same name; normalised: the same once case, accents, punctuation and company suffixes are ignored' }),
});

export const ConflictCheckResponse = Type.Object({
  id: Type.String(),
  subject: Type.Union([Type.Literal('client'), Type.Literal('matter')]),
  status: ConflictCheckStatus,
  clientId: Type.String(),
  clientName: Type.String(),
  matterId: Nullable(Type.String()),
  matterNumber: Nullable(Type.String()),
  matterTitle: Nullable(Type.String()),
  requestedBy: Type.String(),
  requestedByName: Nullable(Type.String()),
  requestedAt: Type.Integer(),
  decidedBy: Nullable(Type.String()),
  decidedByName: Nullable(Type.String()),
  decidedAt: NullableInt,
  hitCount: Type.Integer(),
  note: Nullable(Type.String({ description: 'A waiver\'s record of the client\'s consent' })),
  hits: Type.Optional(Type.Array(ConflictHitResponse)),
});

export const DecideConflictBody = Type.Object(
  {
    decision: Type.Union([Type.Literal('clear'), Type.Literal('waive'), Type.Literal('wall')], { description: 'clear: no conflict; waive: a conflict the client consents to (note required); wall: clear it, then screen people with an ethical wall' }),
    note: Type.Optional(Type.String({ maxLength: 5000, description: 'For waive: the client\'s informed consent (who, when, how); sealed' })),
  },
  { additionalProperties: false },
);

export const IntakeRequestResponse = Type.Object({
  id: Type.String(),
  subject: Type.Union([Type.Literal('client'), Type.Literal('matter')]),
  status: Type.Union([Type.Literal('referred'), Type.Literal('open')], { description: 'referred: possible conflict, waiting for the compliance officer; open: it opens' }),
  clientId: Type.String(),
  clientName: Type.String(),
  matterId: Nullable(Type.String()),
  matterNumber: Nullable(Type.String()),
  matterTitle: Nullable(Type.String()),
  requestedAt: Type.Integer(),
  decidedAt: NullableInt,
});

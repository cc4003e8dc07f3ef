/** TypeBox schemas of parties (opposing and related people and organisations of a client or matter). */
import { Type } from 'typebox';

const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });
const Identifier = Type.Object({ type: Text(60), value: Text(200) }, { additionalProperties: false });

export const PartyRole = Type.Union([Type.Literal('opposing'), Type.Literal('related')], { description: 'opposing: on the other side (adverse); related: on the client\'s side (subsidiary, guarantor, co-party …)' });
export const PartyKind = Type.Union([Type.Literal('person'), Type.Literal('organisation')]);

/** A party as given when opening a client or a matter, or added later. */
export const PartyInput = Type.Object(
  {
    role: PartyRole,
    kind: Type.Optional(PartyKind),
    name: Text(300),
    identifiers: Type.Optional(Type.Array(Identifier, { maxItems: 20 })),
  },
  { additionalProperties: false },
);

export const CreatePartyBody = Type.Object(
  {
    role: PartyRole,
    kind: Type.Optional(PartyKind),
    name: Text(300),
    identifiers: Type.Optional(Type.Array(Identifier, { maxItems: 20 })),
    matterId: Type.Optional(Type.String({ pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$', description: 'A matter of this client the party belongs to; absent: the client\'s own party' })),
  },
  { additionalProperties: false },
);

export const UpdatePartyBody = Type.Object(
  {
    role: Type.Optional(PartyRole),
    kind: Type.Optional(PartyKind),
    name: Type.Optional(Text(300)),
    identifiers: Type.Optional(Type.Array(Identifier, { maxItems: 20 })),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const PartyResponse = Type.Object({
  id: Type.String(),
  clientId: Type.String(),
  matterId: Type.Union([Type.String(), Type.Null()]),
  role: PartyRole,
  kind: PartyKind,
  name: Type.String(),
  identifiers: Type.Array(Type.Object({ type: Type.String(), value: Type.String() })),
  createdAt: Type.Integer(),
  updatedAt: Type.Integer(),
});

export const PartyIdParams = Type.Object({ partyId: Type.String({ pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' }) });

/** TypeBox schemas of the evidence module's routes: the record of processing, registers, the evidence pack. */
import { Type, type TSchema } from 'typebox';
import { UUID_PATTERN } from '../../platform/ids.js';

const Id = Type.String({ pattern: UUID_PATTERN });
const Text = (max: number, description: string) => Type.String({ minLength: 1, maxLength: max, description });
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Person = Type.Object({ id: Type.String(), name: Type.String() });

export const RoleSchema = Type.Union([Type.Literal('controller'), Type.Literal('processor'), Type.Literal('joint_controller')], { description: 'Whether the firm is the controller of this processing (Art. 30(1)), a processor for someone else (Art. 30(2)), or a joint controller' });

const activityFields = {
  name: Text(200, 'The activity, e.g. "Client matter files" or "Payroll"'),
  role: RoleSchema,
  purposes: Text(2000, 'Why the data is processed'),
  legalBasis: Text(1000, 'The lawful basis (Art. 6, and Art. 9 for special categories)'),
  dataSubjects: Text(1000, 'Categories of data subjects (clients, counterparties, employees …)'),
  dataCategories: Text(2000, 'Categories of personal data'),
  recipients: Text(2000, 'Categories of recipients, including processors'),
  transfers: Text(2000, 'Transfers to third countries or international organisations and their safeguards, or "None"'),
  retention: Text(1000, 'Envisaged time limits for erasure'),
  securityMeasures: Text(4000, 'General description of the technical and organisational security measures (Art. 32)'),
  ownerId: Id,
};

export const ActivityBody = Type.Object(activityFields, { additionalProperties: false });
export const ActivityPatchBody = Type.Partial(Type.Object(activityFields), { additionalProperties: false, minProperties: 1 });
export const IdParams = Type.Object({ id: Id });
export const ActivitiesQuery = Type.Object({ includeRetired: Type.Optional(Type.Boolean({ description: 'Retired activities too (default false)' })) }, { additionalProperties: false });

export const ActivitySchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  role: RoleSchema,
  purposes: Type.String(),
  legalBasis: Type.String(),
  dataSubjects: Type.String(),
  dataCategories: Type.String(),
  recipients: Type.String(),
  transfers: Type.String(),
  retention: Type.String(),
  securityMeasures: Type.String(),
  owner: Person,
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  retiredAt: Nullable(Type.String({ format: 'date-time' })),
});
export const ActivityList = Type.Object({ items: Type.Array(ActivitySchema) });

export const REGISTER_NAMES = ['processing-activities', 'disclosures', 'training', 'agreements', 'policies', 'access-reviews', 'incidents', 'backups'] as const;
export type RegisterName = (typeof REGISTER_NAMES)[number];
export const RegisterParams = Type.Object({ register: Type.Union(REGISTER_NAMES.map((n) => Type.Literal(n)), { description: 'Which register or report' }) });
export const RegisterQuery = Type.Object({ format: Type.Optional(Type.Union([Type.Literal('csv'), Type.Literal('pdf')], { description: 'csv (default) or pdf' })) }, { additionalProperties: false });
export const RegisterCatalogue = Type.Object({ items: Type.Array(Type.Object({ register: Type.String(), title: Type.String(), description: Type.String(), rows: Type.Integer() })) });

/** Request and response schemas of the posture routes: the score and findings now, and the daily trend. Counts only. */
import { Type } from 'typebox';
import { FINDING_KEYS, STAFF_ROLES } from './posture.findings.js';

const Codes = <T extends string>(codes: readonly T[], description: string) => Type.Unsafe<T>(Type.Union(codes.map((code) => Type.Literal(code)), { description }));
const Key = Codes(FINDING_KEYS, 'The finding’s stable key');
const Role = Codes(STAFF_ROLES, 'A firm role (client accounts are not counted)');
const Count = Type.Integer({ minimum: 0 });

export const FindingSchema = Type.Object({
  key: Key,
  severity: Type.Union([Type.Literal('critical'), Type.Literal('high'), Type.Literal('medium'), Type.Literal('low')]),
  ok: Type.Boolean(),
  title: Type.String({ description: 'What is checked, in plain words' }),
  summary: Type.String({ description: 'The current state, with the counts' }),
  figures: Type.Record(Type.String(), Type.Union([Type.Integer(), Type.Null()]), { description: 'Counts and days only (no names, no client data)' }),
  fix: Type.Object({
    text: Type.String({ description: 'What to do, in plain words' }),
    path: Type.Union([Type.String(), Type.Null()], { description: 'The page of the app where it is done; null when it is a server setting' }),
    label: Type.Union([Type.String(), Type.Null()]),
  }),
});

export const RoleCountsSchema = Type.Object({ role: Role, active: Count, withoutSecondFactor: Count, stale: Count, leaving: Count });

export const PostureSchema = Type.Object({
  score: Type.Integer({ minimum: 0, maximum: 100, description: 'The weight of the passing findings over the weight of all, 0–100 (docs/posture.md)' }),
  generatedAt: Type.String({ format: 'date-time' }),
  findings: Type.Array(FindingSchema, { description: 'Failing first, then by severity' }),
  byRole: Type.Array(RoleCountsSchema, { description: 'Active staff per firm role (there is no department field): without a second factor, stale, leaving' }),
});

export const TrendQuery = Type.Object({ days: Type.Optional(Type.Integer({ minimum: 1, maximum: 366, description: 'How many days back, today included (default 90)' })) }, { additionalProperties: false });

export const TrendSchema = Type.Object({
  days: Type.Integer(),
  points: Type.Array(
    Type.Object({
      day: Type.String({ format: 'date', description: 'The UTC day of the snapshot' }),
      score: Type.Integer({ minimum: 0, maximum: 100 }),
      failing: Count,
      findings: Type.Array(Type.Object({ key: Key, ok: Type.Boolean() })),
      byRole: Type.Array(RoleCountsSchema),
    }),
    { description: 'One snapshot per day with one, oldest first' },
  ),
});

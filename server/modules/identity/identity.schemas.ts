/** TypeBox request and response schemas for the identity routes (they also feed OpenAPI). */
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { Type, type Static } from 'typebox';
import { FIRM_ROLES, type FirmRole } from '../../../common/roles.js';
import { UUID_PATTERN } from '../../platform/ids.js';
import { MAX_TIME_MS } from '../../platform/http/schema-limits.js';

export const Id = Type.String({ pattern: UUID_PATTERN });
export const IdParams = Type.Object({ id: Id }, { additionalProperties: false });
export const UserSessionParams = Type.Object({ id: Id, sessionId: Id }, { additionalProperties: false });
const Email = Type.String({ minLength: 3, maxLength: 320 });
// Length is checked by the strength policy so the refusal names the rule; cap only against abuse.
const Password = Type.String({ minLength: 1, maxLength: 1024 });
const Role = Type.Unsafe<FirmRole>({ type: 'string', enum: [...FIRM_ROLES] });

export const UserView = Type.Object({
  id: Type.String(),
  email: Type.String(),
  name: Type.String(),
  role: Role,
  clientId: Type.Union([Type.String(), Type.Null()]),
  status: Type.Union([Type.Literal('active'), Type.Literal('leaving'), Type.Literal('disabled')]),
  leavingOn: Type.Union([Type.Integer(), Type.Null()]),
  invitationPending: Type.Boolean({ description: 'invited and has not chosen a password yet' }),
  createdAt: Type.Integer(),
});

export const SessionState = Type.Object({
  user: UserView,
  session: Type.Object({
    id: Type.Union([Type.String(), Type.Null()]),
    mfaRequired: Type.Boolean(),
    mfaCompleted: Type.Boolean(),
    mfaAt: Type.Union([Type.Integer(), Type.Null()]),
    passwordExpired: Type.Boolean(),
  }),
  factors: Type.Object({ totp: Type.Boolean(), passkeys: Type.Integer(), recoveryCodesLeft: Type.Integer() }),
});
export type SessionStateView = Static<typeof SessionState>;

export const SignInBody = Type.Object({ email: Email, password: Password }, { additionalProperties: false });
export const SetupBody = Type.Object({ token: Type.String({ minLength: 10, maxLength: 200 }), email: Email, name: Type.String({ minLength: 1, maxLength: 200 }), password: Password }, { additionalProperties: false });
export const SetupStatus = Type.Object({ pending: Type.Boolean() });
export const AcceptInviteBody = Type.Object({ token: Type.String({ minLength: 10, maxLength: 200 }), password: Password }, { additionalProperties: false });
const LinkToken = Type.String({ minLength: 10, maxLength: 200 });
export const PasswordResetRequestBody = Type.Object({ email: Email }, { additionalProperties: false });
export const PasswordResetRequested = Type.Object({ accepted: Type.Literal(true) });
export const PasswordResetTokenBody = Type.Object({ token: LinkToken }, { additionalProperties: false });
export const PasswordResetFactors = Type.Object({ factors: Type.Object({ totp: Type.Boolean(), passkey: Type.Boolean(), recoveryCode: Type.Boolean() }) });
export const PasswordResetCompleteBody = Type.Object(
  {
    token: LinkToken,
    password: Password,
    code: Type.Optional(Type.String({ minLength: 1, maxLength: 40, description: 'a code from the authenticator app' })),
    recoveryCode: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
    passkey: Type.Optional(Type.Unsafe<AuthenticationResponseJSON>(Type.Object({}, { additionalProperties: true }))),
  },
  { additionalProperties: false },
);
export const SessionEnded = Type.Object({
  ended: Type.Union([
    Type.Object({
      at: Type.Integer(),
      reason: Type.Union([Type.Literal('administrator'), Type.Literal('security'), Type.Literal('password_reset'), Type.Literal('mfa_reset'), Type.Literal('role_change')]),
    }),
    Type.Null(),
  ]),
});
export const ChangePasswordBody = Type.Object({ currentPassword: Password, newPassword: Password }, { additionalProperties: false });

export const SessionView = Type.Object({
  id: Type.String(),
  method: Type.String(),
  createdAt: Type.Integer(),
  lastSeenAt: Type.Integer(),
  expiresAt: Type.Integer(),
  mfaCompleted: Type.Boolean(),
  ip: Type.Union([Type.String(), Type.Null()]),
  userAgent: Type.Union([Type.String(), Type.Null()]),
  current: Type.Boolean(),
});
export const SessionList = Type.Object({ sessions: Type.Array(SessionView) });
export const Revoked = Type.Object({ revoked: Type.Integer() });

export const TokenScope = Type.Union([Type.Literal('api'), Type.Literal('read')]);
export const TokenView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  scopes: Type.Array(Type.String()),
  mfaComplete: Type.Boolean(),
  createdAt: Type.Integer(),
  expiresAt: Type.Integer(),
  lastUsedAt: Type.Union([Type.Integer(), Type.Null()]),
});
export const TokenList = Type.Object({ tokens: Type.Array(TokenView) });
export const CreateTokenBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    scopes: Type.Array(TokenScope, { minItems: 1, maxItems: 2 }),
    expiresInDays: Type.Integer({ minimum: 1, maximum: 366 }),
  },
  { additionalProperties: false },
);
export const CreatedToken = Type.Object({ token: Type.String(), info: TokenView });

export const UserList = Type.Object({ users: Type.Array(UserView) });
export const PeopleSearchBody = Type.Object(
  { query: Type.String({ minLength: 1, maxLength: 200, description: 'part of a name or email address (case and accents ignored)' }), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })) },
  { additionalProperties: false },
);
export const PeopleSearchResult = Type.Object({
  items: Type.Array(
    Type.Object({
      id: Type.String(),
      name: Type.String(),
      email: Type.String(),
      role: Role,
      status: Type.Union([Type.Literal('active'), Type.Literal('leaving')]),
    }),
  ),
});
export const InviteBody = Type.Object(
  { email: Email, name: Type.String({ minLength: 1, maxLength: 200 }), role: Role, clientId: Type.Optional(Id) },
  { additionalProperties: false },
);
export const Invited = Type.Object({ user: UserView, delivered: Type.Union([Type.Literal('smtp'), Type.Literal('outbox')]) });
export const UpdateUserBody = Type.Object(
  { role: Type.Optional(Role), leavingOn: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: MAX_TIME_MS }), Type.Null()])) },
  { additionalProperties: false, minProperties: 1 },
);
export const Empty = Type.Object({});

export const CodeBody = Type.Object({ code: Type.String({ minLength: 1, maxLength: 40 }) }, { additionalProperties: false });
export const TotpSetup = Type.Object({ secret: Type.String(), otpauthUrl: Type.String(), qrDataUrl: Type.String() });
export const RecoveryCodes = Type.Object({ recoveryCodes: Type.Array(Type.String()) });
// WebAuthn JSON structures are defined (and checked) by SimpleWebAuthn; here they pass through.
export const WebAuthnJson = Type.Object({}, { additionalProperties: true });
export const PasskeyRegistrationBody = Type.Object({ response: Type.Unsafe<RegistrationResponseJSON>(WebAuthnJson), name: Type.Optional(Type.String({ maxLength: 100 })) }, { additionalProperties: false });
export const PasskeyAuthenticationBody = Type.Object({ response: Type.Unsafe<AuthenticationResponseJSON>(WebAuthnJson) }, { additionalProperties: false });
export const PasskeyRegistered = Type.Object({ id: Type.String(), recoveryCodes: Type.Array(Type.String()) });
export const PasskeyList = Type.Object({
  passkeys: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), createdAt: Type.Integer(), lastUsedAt: Type.Union([Type.Integer(), Type.Null()]) })),
});


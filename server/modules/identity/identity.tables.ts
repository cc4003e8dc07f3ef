/** The tables the identity module owns (see the identity_* migrations). */
export interface UserRow {
  id: string;
  email: string;
  name: string;
  role: string;
  client_id: string | null;
  password_hash: string | null;
  password_changed_at: number | null;
  disabled_at: number | null;
  leaving_on: number | null;
  /** Name and email folded for people search (lower case, no accents): `foldForSearch`. */
  search_text: string;
  created_at: number;
  updated_at: number;
}

export interface SessionRow {
  id: string;
  user_id: string;
  secret_hash: string;
  csrf_hash: string;
  method: string;
  mfa_required: number;
  mfa_at: number | null;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  revoked_at: number | null;
  /** Why it ended (`SessionEndReason`); null while live. */
  revoked_reason: string | null;
  ip: string | null;
  user_agent: string | null;
}

export interface ApiTokenRow {
  id: string;
  user_id: string;
  name: string;
  secret_hash: string;
  scopes: string;
  mfa_complete: number;
  created_by: string;
  created_at: number;
  expires_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface TotpRow {
  user_id: string;
  secret: string;
  confirmed_at: number | null;
  last_step: number | null;
  created_at: number;
}

export interface RecoveryCodeRow {
  id: string;
  user_id: string;
  code_hash: string;
  used_at: number | null;
}

export interface PasskeyRow {
  id: string;
  user_id: string;
  credential_id: string;
  public_key: string;
  counter: number;
  transports: string;
  name: string;
  created_at: number;
  last_used_at: number | null;
}

export interface ChallengeRow {
  id: string;
  session_id: string;
  purpose: string;
  challenge: string;
  expires_at: number;
}

export interface ThrottleRow {
  key: string;
  failures: number;
  window_start: number;
  locked_until: number | null;
}

export interface OneTimeLinkRow {
  id: string;
  purpose: 'setup' | 'invite' | 'reset';
  user_id: string | null;
  token_hash: string;
  created_at: number;
  expires_at: number | null;
  used_at: number | null;
}

export interface IdentityTables {
  identity_users: UserRow;
  identity_sessions: SessionRow;
  identity_api_tokens: ApiTokenRow;
  identity_totp: TotpRow;
  identity_recovery_codes: RecoveryCodeRow;
  identity_passkeys: PasskeyRow;
  identity_challenges: ChallengeRow;
  identity_throttles: ThrottleRow;
  identity_one_time_links: OneTimeLinkRow;
}

/**
 * The closed set of error codes Confidant returns, each with its HTTP status.
 * Grouped by the module that raises them. Codes are stable: clients may rely on them.
 * Messages never contain client data; they say what went wrong in general terms.
 */
export const ERROR_CODES = {
  // platform
  VALIDATION_FAILED: 400,
  BAD_REQUEST: 400,
  PAYLOAD_TOO_LARGE: 413,
  URI_TOO_LONG: 414,
  UNSUPPORTED_MEDIA_TYPE: 415,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  INTERNAL_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
  REQUEST_TIMEOUT: 408,
  RANGE_NOT_SATISFIABLE: 416,
  SEALED: 503,
  // identity
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  MFA_REQUIRED: 401,
  STEP_UP_REQUIRED: 401,
  CSRF_FAILED: 403,
  FORBIDDEN: 403,
  ACCOUNT_LOCKED: 429,
  PASSWORD_TOO_WEAK: 400,
  SETUP_ALREADY_DONE: 409,
  SETUP_TOKEN_INVALID: 403,
  USER_NOT_FOUND: 404,
  USER_EXISTS: 409,
  MFA_INVALID: 401,
  TOKEN_INVALID: 401,
  /** A bearer API token that is unknown, expired, revoked, or whose account can no longer sign in. */
  API_TOKEN_INVALID: 401,
  /** WebAuthn refuses IP addresses: PUBLIC_URL must name the server by a domain (localhost is one). */
  PASSKEYS_NEED_DOMAIN: 409,
  OIDC_FAILED: 401,
  // audit
  AUDIT_UNAVAILABLE: 503,
  AUDIT_RANGE_INVALID: 400,
  ALERT_NOT_FOUND: 404,
  // access
  ACCESS_DENIED: 404,
  WALL_NOT_FOUND: 404,
  GATE_NOT_SATISFIED: 403,
  ACKNOWLEDGEMENT_REQUIRED: 403,
  ACCESS_REQUEST_NOT_FOUND: 404,
  APPROVAL_NOT_FOUND: 404,
  /** A second person must approve this change (two-person rule); nobody else eligible exists. */
  SECOND_APPROVER_REQUIRED: 409,
  /** Separation of duties: nobody grants, approves, lifts or reviews something that concerns themselves. */
  SEPARATION_OF_DUTIES: 403,
  /** Needs access to the whole client (a client grant), not a seat on one of its matters. */
  CLIENT_WIDE_ACCESS_REQUIRED: 403,
  /** The client's data is under legal hold: it may not be destroyed. */
  LEGAL_HOLD: 409,
  // vault
  CLIENT_NOT_FOUND: 404,
  MATTER_NOT_FOUND: 404,
  DOCUMENT_NOT_FOUND: 404,
  NOTE_NOT_FOUND: 404,
  RECORD_NOT_FOUND: 404,
  INTEGRITY_ERROR: 502,
  KEY_DESTROYED: 410,
  KEY_NOT_FOUND: 404,
  /** An upload of zero bytes: a document needs content. */
  DOCUMENT_EMPTY: 400,
  /** The document is in the trash: restore it before changing it. */
  DOCUMENT_TRASHED: 409,
  /** The physical record is checked out: check it in before destroying it. */
  RECORD_CHECKED_OUT: 409,
  /** The CLI's --output file already exists (nothing was written; --force replaces it). */
  OUTPUT_EXISTS: 409,
  // portal
  /** A portal export's archive is kept a week: ask for a new one. */
  EXPORT_EXPIRED: 410,
  // consent
  NOTICE_NOT_FOUND: 404,
  /** A published notice is immutable: publish a new version instead. */
  NOTICE_PUBLISHED: 409,
  CONSENT_NOT_FOUND: 404,
  /** The consent was withdrawn: nothing may be disclosed under it. */
  CONSENT_WITHDRAWN: 409,
  /** The consent is not valid now (before its start or after its end). */
  CONSENT_EXPIRED: 409,
  /** Items, recipient, purpose or channel outside the consent; the fields name each one. */
  DISCLOSURE_OUTSIDE_CONSENT: 403,
  /** Privileged items need `waivePrivilege: { confirmed: true, risk }`; the fields name them. */
  PRIVILEGE_WAIVER_REQUIRED: 400,
  DISCLOSURE_NOT_FOUND: 404,
  /** An unknown, tampered or guessed share token (the same answer for each). */
  SHARE_NOT_FOUND: 404,
  /** The share ended: revoked, its consent withdrawn, expired, or locked after failed codes. */
  SHARE_ENDED: 403,
  /** The share's download limit is reached. */
  SHARE_DOWNLOAD_LIMIT: 403,
  /** Wrong, expired or already used one-time code. */
  SHARE_CODE_INVALID: 401,
  /** The recipient must prove their e-mail address with a one-time code first. */
  SHARE_VERIFICATION_REQUIRED: 401,
  // retention
  /** A schedule may not keep items for less than the legal minimum that applies to them. */
  RETENTION_BELOW_MINIMUM: 400,
  /** What a disposition would destroy changed since it was reviewed: review it again. */
  DISPOSITION_CHANGED: 409,
  /** The disposition is not in a state that allows this (already decided, executed, or waiting for something else). */
  DISPOSITION_STATE: 409,
  /** This person already approved this disposition; a second approval must come from someone else. */
  ALREADY_APPROVED: 409,
  /** The legal hold was already released. */
  HOLD_RELEASED: 409,
  // compliance
  /** The policy has a newer version than the one acknowledged: read and acknowledge the current one. */
  POLICY_VERSION_STALE: 409,
  /** A training import had bad rows (each named by its line in `fields`); nothing was imported. */
  TRAINING_IMPORT_INVALID: 400,
  /** The access review campaign is closed: its items can no longer be certified. */
  ACCESS_REVIEW_CLOSED: 409,
  // incidents
  /** The incident is not at the step this change needs (steps run reported → triaged → contained → assessed → notified → remediated → closed). */
  INCIDENT_STATE: 409,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export function statusOf(code: ErrorCode): number {
  return ERROR_CODES[code];
}

/** The one error body every failing API call returns. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; requestId: string; fields?: { path: string; message: string }[] };
}

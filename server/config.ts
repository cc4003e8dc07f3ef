/**
 * The only reader of process.env. Every setting is declared once below with its documentation;
 * `loadConfig` validates them all and reports every problem together. docs/configuration.md is
 * generated from SETTINGS (`npm run docs:config` checks it is current).
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { FIRM_ROLES, type FirmRole } from '../common/roles.js';
import { parseAgeRecipient } from './platform/crypto/age.js';

export type DatabaseKind = 'sqlite' | 'postgres';
export type MasterKeyProviderKind = 'file' | 'env' | 'passphrase';

export interface Config {
  dataDir: string;
  database: { kind: DatabaseKind; url: string; sqlitePath: string };
  blobStoreUrl: string;
  host: string;
  port: number;
  publicUrl: string;
  tls: { certFile: string; keyFile: string } | null;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Requests per minute per client address, for anonymous requests (RATE_LIMIT_PER_MINUTE). */
  rateLimitPerMinute: number;
  /** Requests per minute per signed-in account (session) or API token (RATE_LIMIT_PER_ACCOUNT_PER_MINUTE). */
  rateLimitPerAccountPerMinute: number;
  requestTimeoutSeconds: number;
  /** Largest document (one version) accepted, in bytes (MAX_DOCUMENT_SIZE, at most 64 GiB). */
  maxDocumentBytes: number;
  trustProxy: boolean;
  session: { idleMinutes: number; absoluteHours: number };
  identity: {
    mfaRequiredForStaff: boolean;
    passwordMaxAgeDays: number;
    /** Longest an API token may live, in days (TOKEN_MAX_LIFETIME_DAYS); CLI-issued tokens too. */
    tokenMaxLifetimeDays: number;
    /** OpenID Connect sign-in (Entra ID, Okta, Keycloak …), or null when not configured. */
    oidc: { issuer: string; clientId: string; clientSecret: string; trustAmr: boolean; label: string } | null;
  };
  /** Limits of the access policy that a firm sets for itself. */
  access: {
    /** Longest a client-wide grant may run, in days. */
    grantMaxDays: number;
    /** Client-wide grants wait for a compliance officer's approval (two-person rule). */
    grantApproval: boolean;
    /** Firm roles that may use break-glass (firm administrators never can). */
    breakGlassRoles: FirmRole[];
    /** Accounts younger than this many days may not use break-glass. */
    breakGlassMinAccountAgeDays: number;
  };
  /** The vault's firm settings. */
  vault: {
    /** How matter numbers are made (MATTER_NUMBER_FORMAT), validated: `{year}`, `{seq}` / `{seq:N}`, `{client}` / `{client:N}` and literal `A-Z a-z 0-9 . _ / -`. */
    matterNumberFormat: string;
  };
  /** The retention module's settings (docs/retention.md). */
  retention: {
    /** Hours between retention runs (queue what became due, execute what was approved). */
    runIntervalHours: number;
    /** Days between reminders to a custodian who has not acknowledged a legal hold. */
    holdReminderDays: number;
    /** What a destroyed matter's tombstone keeps (RETENTION_TOMBSTONE_FIELDS). */
    tombstoneFields: TombstoneField[];
    /** The firm's name on end-of-engagement letters. */
    firmName: string;
  };
  /** The backup module's settings (docs/backup.md): defaults for `confidant backup create`. */
  backup: {
    /** Where `backup create` writes when no --to is given (BACKUP_TO), or null. */
    to: string | null;
    /** age X25519 recipients used when no --recipient is given (BACKUP_RECIPIENTS). */
    recipients: string[];
    /** Hours between scheduled backups to `to` (BACKUP_INTERVAL_HOURS); 0: none scheduled. */
    intervalHours: number;
    /** The age identity file scheduled drills open backups with (BACKUP_DRILL_IDENTITY_FILE), or null: no scheduled drills. */
    drillIdentityFile: string | null;
    /** Days between scheduled drills (BACKUP_DRILL_INTERVAL_DAYS). */
    drillIntervalDays: number;
  };
  /** The posture dashboard's thresholds (docs/posture.md). */
  posture: {
    /** A finding fails when the newest successful backup is older than this (POSTURE_BACKUP_MAX_AGE_DAYS). */
    backupMaxAgeDays: number;
    /** …and the newest successful drill (POSTURE_DRILL_MAX_AGE_DAYS). */
    drillMaxAgeDays: number;
    /** An active account with no sign-in for this many days is stale (POSTURE_STALE_ACCOUNT_DAYS). */
    staleAccountDays: number;
    /** More active firm administrators than this is a finding (POSTURE_MAX_ADMINISTRATORS). */
    maxAdministrators: number;
  };
  masterKey: { provider: MasterKeyProviderKind; file: string; envValue: string | null };
  mail: { smtpUrl: string | null; from: string; outboxDir: string };
  auditSinks: AuditSinkConfig[];
  /** The configuration file's `audit` section, defaults filled in (docs/audit.md). */
  audit: AuditConfig;
  /** The configuration file's `alertRules` section: every rule, defaults filled in. */
  alertRules: AlertRulesConfig;
}

/** Fields a destroyed matter's tombstone may keep (nothing identifying: no title, no names). */
export const TOMBSTONE_FIELDS = ['number', 'practiceArea', 'jurisdiction', 'openedAt', 'closedAt'] as const;
export type TombstoneField = (typeof TOMBSTONE_FIELDS)[number];

export interface AuditConfig {
  /** The checkpoint origin line; fixed at init in the key file, this is only the initial value. */
  origin: string;
  checkpointIntervalSeconds: number;
  verifyIntervalMinutes: number;
  /** Seconds between monitoring runs (fractions allowed; the queue may round up to 1 s). */
  monitorIntervalSeconds: number;
  sinkIntervalSeconds: number;
  /** Alerts raised within this many seconds of the first one of a burst go out in one digest mail. */
  alertDigestSeconds: number;
  /** Where alert mail and (optionally) witnessed checkpoints are sent. */
  complianceEmail: string | null;
  mailCheckpoints: boolean;
  /** File each new checkpoint is appended to (a witness outside the database), or null. */
  witnessFile: string | null;
}

export interface AlertRulesConfig {
  bulk_download: { enabled: boolean; threshold: number; windowMinutes: number; contain: boolean };
  out_of_hours: { enabled: boolean; startHour: number; endHour: number; utcOffsetMinutes: number; weekends: boolean; contain: boolean };
  repeated_denials: { enabled: boolean; threshold: number; windowMinutes: number; contain: boolean };
  many_clients: { enabled: boolean; threshold: number; windowMinutes: number; contain: boolean };
  after_leaving: { enabled: boolean; contain: boolean };
  /** Any attempt by a screened person to cross an ethical wall (one attempt is enough). */
  wall_crossing: { enabled: boolean; contain: boolean };
  /** Every break-glass access, for the compliance officer's immediate attention and review. */
  break_glass: { enabled: boolean; contain: boolean };
  /** A stored document failed its integrity check (altered or damaged ciphertext). */
  integrity_failure: { enabled: boolean; contain: boolean };
}

export type AlertRuleName = keyof AlertRulesConfig;
export const ALERT_RULE_NAMES: AlertRuleName[] = ['bulk_download', 'out_of_hours', 'repeated_denials', 'many_clients', 'after_leaving', 'wall_crossing', 'break_glass', 'integrity_failure'];

/** What each rule does when `alertRules` does not mention it (or one of its fields). */
export const DEFAULT_ALERT_RULES: Readonly<AlertRulesConfig> = {
  bulk_download: { enabled: true, threshold: 50, windowMinutes: 10, contain: true },
  out_of_hours: { enabled: false, startHour: 7, endHour: 20, utcOffsetMinutes: 0, weekends: true, contain: false },
  repeated_denials: { enabled: true, threshold: 5, windowMinutes: 10, contain: true },
  many_clients: { enabled: true, threshold: 20, windowMinutes: 60, contain: false },
  after_leaving: { enabled: true, contain: true },
  wall_crossing: { enabled: true, contain: false },
  break_glass: { enabled: true, contain: false },
  integrity_failure: { enabled: true, contain: false },
};

/** The `audit` section's defaults; `origin` defaults to `<PUBLIC_URL host>/confidant-audit`. */
export const DEFAULT_AUDIT_CONFIG: Readonly<Omit<AuditConfig, 'origin'>> = {
  checkpointIntervalSeconds: 300,
  verifyIntervalMinutes: 24 * 60,
  // Seconds, fractions allowed: how far behind the log the monitoring rules may fall (TARGETS: < 5 s at 500 events/s).
  monitorIntervalSeconds: 1,
  sinkIntervalSeconds: 10,
  // One mail per burst of alerts, not one per alert: the first alert waits this long for the rest.
  alertDigestSeconds: 60,
  complianceEmail: null,
  mailCheckpoints: false,
  witnessFile: null,
};

/** The sections the configuration file may hold; any other name is reported (a typo would be ignored). */
const CONFIG_FILE_SECTIONS = ['auditSinks', 'alertRules', 'audit'] as const;

export type AuditSinkConfig =
  | { kind: 'jsonl'; path: string }
  | { kind: 'syslog'; host: string; port: number; tls: boolean; caFile?: string }
  | { kind: 'webhook'; url: string; secret: string };

interface Setting {
  name: string;
  description: string;
  default: string;
}

/** Every environment variable Confidant reads, in the order docs/configuration.md lists them. */
export const SETTINGS: Setting[] = [
  { name: 'CONFIDANT_DATA_DIR', description: 'Folder for the embedded database, encrypted blobs, keys and the mail outbox. Created on first start with mode 0700.', default: './data' },
  { name: 'DATABASE_URL', description: 'Where state lives: `sqlite:PATH` (embedded default) or `postgres://user:pass@host:port/db` (scale-out).', default: 'sqlite:$CONFIDANT_DATA_DIR/confidant.db' },
  { name: 'BLOB_STORE_URL', description: 'Where encrypted blobs live: `file:PATH` or `s3://bucket?endpoint=https://host:port&region=R&forcePathStyle=true` (credentials from the standard AWS variables).', default: 'file:$CONFIDANT_DATA_DIR/blobs' },
  { name: 'HOST', description: 'Address to listen on.', default: '127.0.0.1' },
  { name: 'PORT', description: 'Port to listen on (0 picks a free one).', default: '8080' },
  { name: 'PUBLIC_URL', description: 'The URL users reach Confidant at, used in links in mail and printed at start.', default: 'http(s)://HOST:PORT' },
  { name: 'TLS_CERT_FILE', description: 'PEM certificate chain; with TLS_KEY_FILE, Confidant serves HTTPS itself and sends HSTS.', default: '(none)' },
  { name: 'TLS_KEY_FILE', description: 'PEM private key for TLS_CERT_FILE.', default: '(none)' },
  { name: 'LOG_LEVEL', description: 'fatal, error, warn, info, debug, trace or silent. Logs are JSON lines; secrets are redacted.', default: 'info' },
  { name: 'RATE_LIMIT_PER_MINUTE', description: 'Requests per minute per client address for anonymous requests, and for requests whose session or token does not verify (sign-in has its own, stricter throttles). Signed-in requests do not spend it: see RATE_LIMIT_PER_ACCOUNT_PER_MINUTE.', default: '600' },
  { name: 'RATE_LIMIT_PER_ACCOUNT_PER_MINUTE', description: 'Requests per minute per signed-in account (all its browser sessions together) and, separately, per API token, whatever address they come from: people behind one office NAT address, or a verifier fetching a proof per event with its own token, do not share a budget.', default: '1200' },
  { name: 'REQUEST_TIMEOUT_SECONDS', description: 'Longest time one request (body included) may take before the server closes it; bounds slow-body attacks. Raise it if people upload very large documents over slow links.', default: '900' },
  { name: 'MAX_DOCUMENT_SIZE', description: 'Largest document (one version) an upload may carry, e.g. `500MiB`, `2GiB` or a number of bytes; larger uploads are refused with 413 PAYLOAD_TOO_LARGE before they are stored. At most 64GiB.', default: '64GiB' },
  { name: 'TRUST_PROXY', description: '`true` when behind a load balancer that sets X-Forwarded-For.', default: 'false' },
  { name: 'SESSION_IDLE_MINUTES', description: 'A session unused this long ends.', default: '30' },
  { name: 'SESSION_ABSOLUTE_HOURS', description: 'A session ends this long after sign-in, however active.', default: '12' },
  { name: 'MFA_REQUIRED_FOR_STAFF', description: 'Staff accounts must complete a second factor (TOTP or passkey) before reaching anything but enrollment. Client accounts need one only once they have enrolled it.', default: 'true' },
  { name: 'PASSWORD_MAX_AGE_DAYS', description: 'Days after which a password must be changed; 0 turns expiry off (NIST 800-63B advises against forced rotation).', default: '0' },
  { name: 'TOKEN_MAX_LIFETIME_DAYS', description: 'Longest an API token may live, in days (1–366), whether created in the account settings or with `confidant token create`. Changing a password or signing out other sessions also ends a user\'s tokens.', default: '90' },
  { name: 'OIDC_ISSUER', description: 'OpenID Connect issuer URL for single sign-on (Entra ID: https://login.microsoftonline.com/TENANT/v2.0; Okta; Keycloak realm URL). Accounts must already exist: the verified `email` claim selects the account. Redirect URI to register: PUBLIC_URL/api/v1/auth/oidc/callback.', default: '(off)' },
  { name: 'OIDC_CLIENT_ID', description: 'Client id registered at the OpenID provider.', default: '(none)' },
  { name: 'OIDC_CLIENT_SECRET', description: 'Client secret registered at the OpenID provider.', default: '(none)' },
  { name: 'OIDC_TRUST_AMR', description: 'Count the provider\'s `amr` claim (mfa, otp, hwk, swk, fido, …) as a completed second factor; otherwise Confidant asks for its own. Turn on only when the provider itself enforces MFA for these accounts: the claim is the provider\'s word, not a check Confidant made.', default: 'false' },
  { name: 'OIDC_LABEL', description: 'Name of the provider on the sign-in button.', default: 'your organization' },
  { name: 'ACCESS_GRANT_MAX_DAYS', description: 'Longest a client-wide access grant may run, in days (every grant has an end date).', default: '365' },
  { name: 'ACCESS_GRANT_APPROVAL', description: '`true`: a client-wide grant waits for a compliance officer\'s approval before it takes effect (two-person rule). Otherwise the client\'s lead attorney grants alone (never to themselves).', default: 'false' },
  { name: 'BREAK_GLASS_ROLES', description: 'Comma-separated firm roles that may use break-glass (emergency access): `attorney`, `paralegal`, `staff`, `compliance_officer`. Firm administrators and client accounts never can.', default: 'attorney,paralegal' },
  { name: 'BREAK_GLASS_MIN_ACCOUNT_AGE_DAYS', description: 'Accounts created less than this many days ago may not use break-glass (a freshly invited account cannot reach a locked matter at once). 0 turns the rule off.', default: '7' },
  { name: 'RETENTION_RUN_INTERVAL_HOURS', description: 'Hours between retention runs: items that became due enter the review queue, approved dispositions are executed and certified (1–168).', default: '24' },
  { name: 'RETENTION_HOLD_REMINDER_DAYS', description: 'Days between reminders to a custodian who has not acknowledged a legal hold notice (one mail per custodian per run, whatever the number of holds).', default: '7' },
  { name: 'RETENTION_TOMBSTONE_FIELDS', description: 'What the tombstone of a destroyed matter keeps, comma-separated from `number`, `practiceArea`, `jurisdiction`, `openedAt`, `closedAt` (empty: nothing).', default: 'number,openedAt,closedAt' },
  { name: 'FIRM_NAME', description: 'The firm\'s name on end-of-engagement letters.', default: 'The firm' },
  { name: 'MATTER_NUMBER_FORMAT', description: 'How the firm numbers matters: literal characters (`A-Z a-z 0-9 . _ / -`) and the tokens `{year}` (the year it is opened, UTC), `{seq}` or `{seq:N}` (a counter starting at 1 each year, zero-padded to N digits; required, once) and `{client}` or `{client:N}` (the client\'s firm number; the counter then runs per client and year). Two matters opened at the same moment never get the same number. Changing it affects new matters only.', default: '{year}-{seq:4}' },
  { name: 'BACKUP_TO', description: 'Where `confidant backup create` and scheduled backups write when no `--to` is given: a folder or `s3://bucket/prefix?endpoint=…&region=…` (docs/backup.md).', default: '(none)' },
  { name: 'BACKUP_INTERVAL_HOURS', description: 'Hours between scheduled backups to `BACKUP_TO` (encrypted to `BACKUP_RECIPIENTS`); 0 schedules none (docs/backup.md).', default: '0' },
  { name: 'BACKUP_DRILL_IDENTITY_FILE', description: 'An age identity file that opens the backups: when set, a drill restores the latest backup into a scratch instance every `BACKUP_DRILL_INTERVAL_DAYS` and records the result.', default: '(none)' },
  { name: 'BACKUP_DRILL_INTERVAL_DAYS', description: 'Days between scheduled backup drills (needs `BACKUP_DRILL_IDENTITY_FILE`).', default: '7' },
  { name: 'BACKUP_RECIPIENTS', description: 'Comma-separated age X25519 public keys (`age1…`) a backup is encrypted to when no `--recipient` is given. Their secret halves belong off this machine.', default: '(none)' },
  { name: 'POSTURE_BACKUP_MAX_AGE_DAYS', description: 'The posture dashboard reports a failing finding when the newest successful backup is older than this many days (docs/posture.md).', default: '2' },
  { name: 'POSTURE_DRILL_MAX_AGE_DAYS', description: 'The posture dashboard reports a failing finding when the newest successful backup drill (a restore that was checked) is older than this many days.', default: '30' },
  { name: 'POSTURE_STALE_ACCOUNT_DAYS', description: 'An active staff account with no sign-in for this many days (or never, that long after it was created) counts as stale on the posture dashboard.', default: '90' },
  { name: 'POSTURE_MAX_ADMINISTRATORS', description: 'More active firm administrators than this is a finding on the posture dashboard.', default: '2' },
  { name: 'MASTER_KEY_PROVIDER', description: '`file` (key file in the data folder, mode 0600), `env` (MASTER_KEY, base64 of 32 bytes) or `passphrase` (server starts sealed until an operator unseals it).', default: 'file' },
  { name: 'MASTER_KEY_FILE', description: 'Path of the master key file for the `file` provider. Keep it outside the database and its backups.', default: '$CONFIDANT_DATA_DIR/keys/master.key' },
  { name: 'MASTER_KEY', description: 'Base64 of a 32-byte master key, for the `env` provider.', default: '(none)' },
  { name: 'SMTP_URL', description: 'SMTP server for outgoing mail, e.g. `smtp://user:pass@mail.example:587`. Without it, mail is written to the outbox folder and shown to administrators.', default: '(none)' },
  { name: 'MAIL_FROM', description: 'Sender address of mail Confidant sends.', default: 'confidant@localhost' },
  { name: 'CONFIDANT_CONFIG_FILE', description: 'JSON file with structured settings: audit sinks (`auditSinks`), alert rule thresholds (`alertRules`) and the audit log\'s intervals and recipients (`audit`); validated with the variables. Never changeable through the API.', default: '$CONFIDANT_DATA_DIR/confidant.json if present' },
];

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env, cwd: string = process.cwd()): Config {
  const problems: string[] = [];
  const get = (name: string): string | undefined => {
    const value = env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  };
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = get(name);
    if (raw === undefined) return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
      return fallback;
    }
    return Number(raw);
  };
  const boolean = (name: string, fallback: boolean): boolean => {
    const raw = get(name);
    if (raw === undefined) return fallback;
    if (raw === 'true' || raw === '1') return true;
    if (raw === 'false' || raw === '0') return false;
    problems.push(`${name} must be true or false (got "${raw}")`);
    return fallback;
  };
  const path = (p: string) => (isAbsolute(p) ? p : resolve(cwd, p));

  const dataDir = path(get('CONFIDANT_DATA_DIR') ?? './data');

  const databaseUrl = get('DATABASE_URL') ?? `sqlite:${resolve(dataDir, 'confidant.db')}`;
  let database: Config['database'] = { kind: 'sqlite', url: databaseUrl, sqlitePath: resolve(dataDir, 'confidant.db') };
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) {
    database = { kind: 'postgres', url: databaseUrl, sqlitePath: '' };
  } else if (databaseUrl.startsWith('sqlite:')) {
    const file = databaseUrl.slice('sqlite:'.length).replace(/^\/\//, '');
    if (file === '') problems.push('DATABASE_URL sqlite: needs a file path, e.g. sqlite:./data/confidant.db');
    database = { kind: 'sqlite', url: databaseUrl, sqlitePath: path(file) };
  } else {
    problems.push('DATABASE_URL must start with sqlite: or postgres://');
  }

  const blobStoreUrl = get('BLOB_STORE_URL') ?? `file:${resolve(dataDir, 'blobs')}`;
  if (!blobStoreUrl.startsWith('file:') && !blobStoreUrl.startsWith('s3://')) {
    problems.push('BLOB_STORE_URL must start with file: or s3://');
  }

  const host = get('HOST') ?? '127.0.0.1';
  const port = integer('PORT', 8080, 0, 65535);

  const certFile = get('TLS_CERT_FILE');
  const keyFile = get('TLS_KEY_FILE');
  let tls: Config['tls'] = null;
  if ((certFile === undefined) !== (keyFile === undefined)) {
    problems.push('TLS_CERT_FILE and TLS_KEY_FILE must be given together');
  } else if (certFile !== undefined && keyFile !== undefined) {
    tls = { certFile: path(certFile), keyFile: path(keyFile) };
    for (const [name, file] of [['TLS_CERT_FILE', tls.certFile], ['TLS_KEY_FILE', tls.keyFile]] as const) {
      if (!existsSync(file)) problems.push(`${name} points at a file that does not exist`);
    }
  }

  const publicUrl = (get('PUBLIC_URL') ?? `${tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`).replace(/\/+$/, '');
  try {
    new URL(publicUrl);
  } catch {
    problems.push('PUBLIC_URL must be an absolute URL');
  }

  const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
  const logLevelRaw = get('LOG_LEVEL') ?? 'info';
  const logLevel = (levels as readonly string[]).includes(logLevelRaw) ? (logLevelRaw as Config['logLevel']) : 'info';
  if (logLevel !== logLevelRaw) problems.push(`LOG_LEVEL must be one of ${levels.join(', ')}`);

  const providerRaw = get('MASTER_KEY_PROVIDER') ?? 'file';
  const provider = (['file', 'env', 'passphrase'] as const).find((p) => p === providerRaw) ?? 'file';
  if (provider !== providerRaw) problems.push('MASTER_KEY_PROVIDER must be file, env or passphrase');
  const masterKeyEnv = get('MASTER_KEY') ?? null;
  if (provider === 'env') {
    if (masterKeyEnv === null) problems.push('MASTER_KEY is required when MASTER_KEY_PROVIDER=env');
    else if (Buffer.from(masterKeyEnv, 'base64').length !== 32) problems.push('MASTER_KEY must be base64 of exactly 32 bytes');
  }

  const smtpUrl = get('SMTP_URL') ?? null;
  if (smtpUrl !== null && !/^smtps?:\/\//.test(smtpUrl)) problems.push('SMTP_URL must start with smtp:// or smtps://');

  const configFile = get('CONFIDANT_CONFIG_FILE') ?? resolve(dataDir, 'confidant.json');
  let file: Record<string, unknown> = {};
  if (existsSync(configFile)) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(configFile, 'utf8'));
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      file = parsed as Record<string, unknown>;
    } catch {
      problems.push('CONFIDANT_CONFIG_FILE is not a JSON object');
    }
  } else if (get('CONFIDANT_CONFIG_FILE') !== undefined) {
    problems.push('CONFIDANT_CONFIG_FILE points at a file that does not exist');
  }
  for (const key of Object.keys(file)) {
    if (!(CONFIG_FILE_SECTIONS as readonly string[]).includes(key)) problems.push(`${key} in the config file is not a section (known: ${CONFIG_FILE_SECTIONS.join(', ')})`);
  }
  const auditSinks = parseAuditSinks(file.auditSinks, problems);
  // The audit section and alert rules: a bad checkpoint origin or a misspelt rule stops start-up.
  const audit = parseAuditSection(file.audit, publicUrl, problems);
  const alertRules = parseAlertRules(file.alertRules, problems);

  const config: Config = {
    dataDir,
    database,
    blobStoreUrl,
    host,
    port,
    publicUrl,
    tls,
    logLevel,
    rateLimitPerMinute: integer('RATE_LIMIT_PER_MINUTE', 600, 1, 1_000_000),
    rateLimitPerAccountPerMinute: integer('RATE_LIMIT_PER_ACCOUNT_PER_MINUTE', 1200, 1, 1_000_000),
    requestTimeoutSeconds: integer('REQUEST_TIMEOUT_SECONDS', 900, 10, 86_400),
    maxDocumentBytes: byteSize(get('MAX_DOCUMENT_SIZE'), problems),
    trustProxy: boolean('TRUST_PROXY', false),
    session: {
      idleMinutes: integer('SESSION_IDLE_MINUTES', 30, 1, 24 * 60),
      absoluteHours: integer('SESSION_ABSOLUTE_HOURS', 12, 1, 24 * 30),
    },
    identity: {
      mfaRequiredForStaff: boolean('MFA_REQUIRED_FOR_STAFF', true),
      passwordMaxAgeDays: integer('PASSWORD_MAX_AGE_DAYS', 0, 0, 3650),
      tokenMaxLifetimeDays: integer('TOKEN_MAX_LIFETIME_DAYS', 90, 1, 366),
      oidc: parseOidc(get, boolean, problems),
    },
    access: {
      grantMaxDays: integer('ACCESS_GRANT_MAX_DAYS', 365, 1, 3650),
      grantApproval: boolean('ACCESS_GRANT_APPROVAL', false),
      breakGlassRoles: parseBreakGlassRoles(get('BREAK_GLASS_ROLES'), problems),
      breakGlassMinAccountAgeDays: integer('BREAK_GLASS_MIN_ACCOUNT_AGE_DAYS', 7, 0, 3650),
    },
    vault: { matterNumberFormat: parseMatterNumberFormat(get('MATTER_NUMBER_FORMAT'), problems) },
    retention: {
      runIntervalHours: integer('RETENTION_RUN_INTERVAL_HOURS', 24, 1, 24 * 7),
      holdReminderDays: integer('RETENTION_HOLD_REMINDER_DAYS', 7, 1, 365),
      tombstoneFields: parseTombstoneFields(get('RETENTION_TOMBSTONE_FIELDS'), problems),
      firmName: get('FIRM_NAME') ?? 'The firm',
    },
    backup: {
      // A folder (relative to the working directory) or an s3:// URL, kept as given.
      to: get('BACKUP_TO') ? (get('BACKUP_TO')!.startsWith('s3://') ? get('BACKUP_TO')! : path(get('BACKUP_TO')!)) : null,
      recipients: parseBackupRecipients(get('BACKUP_RECIPIENTS'), problems),
      intervalHours: integer('BACKUP_INTERVAL_HOURS', 0, 0, 24 * 7),
      drillIdentityFile: get('BACKUP_DRILL_IDENTITY_FILE') ? path(get('BACKUP_DRILL_IDENTITY_FILE')!) : null,
      drillIntervalDays: integer('BACKUP_DRILL_INTERVAL_DAYS', 7, 1, 365),
    },
    posture: {
      backupMaxAgeDays: integer('POSTURE_BACKUP_MAX_AGE_DAYS', 2, 1, 365),
      drillMaxAgeDays: integer('POSTURE_DRILL_MAX_AGE_DAYS', 30, 1, 3650),
      staleAccountDays: integer('POSTURE_STALE_ACCOUNT_DAYS', 90, 1, 3650),
      maxAdministrators: integer('POSTURE_MAX_ADMINISTRATORS', 2, 1, 100),
    },
    masterKey: { provider, file: path(get('MASTER_KEY_FILE') ?? resolve(dataDir, 'keys', 'master.key')), envValue: masterKeyEnv },
    mail: { smtpUrl, from: get('MAIL_FROM') ?? 'confidant@localhost', outboxDir: resolve(dataDir, 'outbox') },
    auditSinks,
    audit,
    alertRules,
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** `RETENTION_TOMBSTONE_FIELDS`: a comma-separated subset of TOMBSTONE_FIELDS (empty keeps nothing). */
function parseTombstoneFields(value: string | undefined, problems: string[]): TombstoneField[] {
  if (value === undefined) return ['number', 'openedAt', 'closedAt'];
  const fields = value.split(',').map((f) => f.trim()).filter((f) => f !== '');
  const unknown = fields.filter((f) => !(TOMBSTONE_FIELDS as readonly string[]).includes(f));
  if (unknown.length > 0) problems.push(`RETENTION_TOMBSTONE_FIELDS may list only ${TOMBSTONE_FIELDS.join(', ')}`);
  return [...new Set(fields)].filter((f): f is TombstoneField => (TOMBSTONE_FIELDS as readonly string[]).includes(f));
}

/** `MATTER_NUMBER_FORMAT`: literal characters allowed in a matter number and the known tokens, `{seq…}` exactly once, short enough for a number (40 characters). */
export function parseMatterNumberFormat(raw: string | undefined, problems: string[]): string {
  const format = raw ?? '{year}-{seq:4}';
  const rest = format.replace(/\{(?:year|seq|client)(?::[1-9])?\}/g, '');
  const seqs = format.match(/\{seq(?::[1-9])?\}/g) ?? [];
  if (/\{year:/.test(format) || !/^[A-Za-z0-9._/-]*$/.test(rest)) problems.push('MATTER_NUMBER_FORMAT may hold only A-Z a-z 0-9 . _ / - and the tokens {year}, {seq}, {seq:N}, {client}, {client:N} (N from 1 to 9)');
  else if (seqs.length !== 1) problems.push('MATTER_NUMBER_FORMAT must contain {seq} (or {seq:N}) exactly once');
  else if (!/^[A-Za-z0-9{]/.test(format) || format.replace(/\{[a-z]+(?::\d)?\}/g, 'XXXXXXXXX').length > 40) problems.push('MATTER_NUMBER_FORMAT must start with a letter, a digit or a token, and make numbers of at most 40 characters');
  return format;
}

/** The ceiling for MAX_DOCUMENT_SIZE (and its default): far above any file a firm keeps. */
export const DOCUMENT_SIZE_CEILING = 64 * 1024 ** 3;
const UNITS: Record<string, number> = { '': 1, b: 1, kb: 1e3, mb: 1e6, gb: 1e9, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 };

/** `MAX_DOCUMENT_SIZE`: bytes, or a number with KB/MB/GB (powers of 1000) or KiB/MiB/GiB (powers of 1024). */
export function byteSize(raw: string | undefined, problems: string[]): number {
  if (raw === undefined) return DOCUMENT_SIZE_CEILING;
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(raw);
  const unit = match ? UNITS[match[2]!.toLowerCase()] : undefined;
  const bytes = match && unit !== undefined ? Math.floor(Number(match[1]) * unit) : NaN;
  if (!(bytes >= 1 && bytes <= DOCUMENT_SIZE_CEILING)) {
    problems.push(`MAX_DOCUMENT_SIZE must be a size from 1 byte to 64GiB, e.g. 500MiB or 2GiB (got "${raw}")`);
    return DOCUMENT_SIZE_CEILING;
  }
  return bytes;
}

function parseOidc(get: (name: string) => string | undefined, boolean: (name: string, fallback: boolean) => boolean, problems: string[]): Config['identity']['oidc'] {
  const issuer = get('OIDC_ISSUER');
  if (issuer === undefined) return null;
  const clientId = get('OIDC_CLIENT_ID');
  const clientSecret = get('OIDC_CLIENT_SECRET');
  if (!/^https?:\/\//.test(issuer)) problems.push('OIDC_ISSUER must be an http(s) URL');
  if (clientId === undefined || clientSecret === undefined) problems.push('OIDC_CLIENT_ID and OIDC_CLIENT_SECRET are required with OIDC_ISSUER');
  return { issuer, clientId: clientId ?? '', clientSecret: clientSecret ?? '', trustAmr: boolean('OIDC_TRUST_AMR', false), label: get('OIDC_LABEL') ?? 'your organization' };
}

const BREAK_GLASS_ELIGIBLE: readonly FirmRole[] = FIRM_ROLES.filter((r) => r !== 'firm_admin' && r !== 'client');

function parseBreakGlassRoles(raw: string | undefined, problems: string[]): FirmRole[] {
  if (raw === undefined) return ['attorney', 'paralegal'];
  const roles = raw.split(',').map((r) => r.trim()).filter((r) => r !== '');
  const bad = roles.filter((r) => !(BREAK_GLASS_ELIGIBLE as readonly string[]).includes(r));
  if (bad.length > 0) problems.push(`BREAK_GLASS_ROLES may name only ${BREAK_GLASS_ELIGIBLE.join(', ')} (got "${bad.join(', ')}")`);
  return roles.filter((r): r is FirmRole => (BREAK_GLASS_ELIGIBLE as readonly string[]).includes(r));
}

function parseAuditSinks(raw: unknown, problems: string[]): AuditSinkConfig[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    problems.push('auditSinks in the config file must be a list');
    return [];
  }
  const sinks: AuditSinkConfig[] = [];
  raw.forEach((item: unknown, index) => {
    const sink = item as Record<string, unknown>;
    const where = `auditSinks[${index}]`;
    if (sink?.kind === 'jsonl' && typeof sink.path === 'string') sinks.push({ kind: 'jsonl', path: sink.path });
    else if (sink?.kind === 'syslog' && typeof sink.host === 'string' && typeof sink.port === 'number')
      sinks.push({ kind: 'syslog', host: sink.host, port: sink.port, tls: sink.tls === true, ...(typeof sink.caFile === 'string' ? { caFile: sink.caFile } : {}) });
    else if (sink?.kind === 'webhook' && typeof sink.url === 'string' && typeof sink.secret === 'string' && sink.secret.length >= 16)
      sinks.push({ kind: 'webhook', url: sink.url, secret: sink.secret });
    else problems.push(`${where} must be {kind:"jsonl",path} | {kind:"syslog",host,port,tls?} | {kind:"webhook",url,secret(≥16 chars)}`);
  });
  return sinks;
}

/**
 * Why `origin` cannot be a checkpoint origin (C2SP signed-note key name and tlog-checkpoint origin
 * line: non-empty, no Unicode whitespace, no '+', which separates a verifier key's fields), or
 * null when it can. Control, format and unpaired surrogate characters are refused too: they make
 * the note unreadable or its bytes ambiguous. A space breaks our own verifier (the signature line
 * is "— <name> <signature>"); a '+' breaks other C2SP verifiers.
 */
export function checkpointOriginProblem(origin: string): string | null {
  if (origin === '') return 'must not be empty';
  if (/\s/u.test(origin)) return 'must not contain spaces or other whitespace';
  if (origin.includes('+')) return 'must not contain "+"';
  if (/\p{C}/u.test(origin)) return 'must contain printable characters only';
  if (Buffer.byteLength(origin, 'utf8') > 255) return 'must be at most 255 bytes';
  return null;
}

/** The origin used when the configuration file names none: `<PUBLIC_URL host>/confidant-audit`. */
export function defaultCheckpointOrigin(publicUrl: string): string {
  return `${new URL(publicUrl).host}/confidant-audit`;
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

const AUDIT_NUMBERS = ['checkpointIntervalSeconds', 'verifyIntervalMinutes', 'monitorIntervalSeconds', 'sinkIntervalSeconds', 'alertDigestSeconds'] as const;
const AUDIT_TEXTS = ['complianceEmail', 'witnessFile'] as const;

/**
 * The `audit` section: unknown names (a misspelt `complianceEmail` would silently stop alert
 * mail), ill-typed or out-of-range values and an origin that cannot sign a C2SP note are problems.
 */
function parseAuditSection(raw: unknown, publicUrl: string, problems: string[]): AuditConfig {
  if (raw !== undefined && !isObject(raw)) problems.push('audit in the config file must be an object');
  const section = isObject(raw) ? raw : {};
  const known = ['origin', ...AUDIT_NUMBERS, ...AUDIT_TEXTS, 'mailCheckpoints'];
  for (const key of Object.keys(section)) if (!known.includes(key)) problems.push(`audit.${key} in the config file is not a setting (known: ${known.join(', ')})`);
  const audit: AuditConfig = { origin: '', ...DEFAULT_AUDIT_CONFIG };
  for (const key of AUDIT_NUMBERS) {
    const value = section[key];
    if (value === undefined) continue;
    if (typeof value === 'number' && Number.isFinite(value) && value > 0) audit[key] = value;
    else problems.push(`audit.${key} must be a positive number`);
  }
  for (const key of AUDIT_TEXTS) {
    const value = section[key];
    if (value === undefined) continue;
    if (typeof value === 'string') audit[key] = value.trim() === '' ? null : value.trim();
    else problems.push(`audit.${key} must be a string`);
  }
  if (section.mailCheckpoints !== undefined) {
    if (typeof section.mailCheckpoints === 'boolean') audit.mailCheckpoints = section.mailCheckpoints;
    else problems.push('audit.mailCheckpoints must be true or false');
  }
  if (section.origin === undefined) {
    let origin: string | null = null;
    try {
      origin = defaultCheckpointOrigin(publicUrl);
    } catch {
      // PUBLIC_URL itself is reported by loadConfig.
    }
    const problem = origin === null ? null : checkpointOriginProblem(origin);
    if (problem) problems.push(`audit.origin is not set and the default from PUBLIC_URL's host (${JSON.stringify(origin)}) ${problem}: set audit.origin in the config file`);
    audit.origin = origin ?? '';
  } else if (typeof section.origin !== 'string') {
    problems.push('audit.origin must be a string');
  } else {
    const origin = section.origin.trim();
    const problem = checkpointOriginProblem(section.origin);
    if (problem) problems.push(`audit.origin ${problem} (got ${JSON.stringify(section.origin)}); C2SP signed-note origins allow no whitespace and no "+"`);
    audit.origin = origin;
  }
  return audit;
}

/** `alertRules`: every rule with its defaults, overridden field by field; unknown names and ill-typed values are problems. */
function parseAlertRules(raw: unknown, problems: string[]): AlertRulesConfig {
  const rules = structuredClone(DEFAULT_ALERT_RULES) as AlertRulesConfig;
  if (raw === undefined) return rules;
  if (!isObject(raw)) {
    problems.push('alertRules in the config file must be an object');
    return rules;
  }
  for (const [name, value] of Object.entries(raw)) {
    if (!(ALERT_RULE_NAMES as string[]).includes(name)) {
      problems.push(`alertRules.${name} is not a rule (known: ${ALERT_RULE_NAMES.join(', ')})`);
      continue;
    }
    if (!isObject(value)) {
      problems.push(`alertRules.${name} must be an object`);
      continue;
    }
    const rule = rules[name as AlertRuleName] as Record<string, number | boolean>;
    for (const [field, fieldValue] of Object.entries(value)) {
      const fallback = rule[field];
      if (fallback === undefined) problems.push(`alertRules.${name}.${field} is not a setting of this rule (known: ${Object.keys(rule).join(', ')})`);
      else if (typeof fallback === 'boolean') {
        if (typeof fieldValue === 'boolean') rule[field] = fieldValue;
        else problems.push(`alertRules.${name}.${field} must be true or false`);
      } else {
        const signed = field === 'utcOffsetMinutes';
        if (typeof fieldValue === 'number' && Number.isFinite(fieldValue) && (signed || fieldValue >= 0)) rule[field] = fieldValue;
        else problems.push(`alertRules.${name}.${field} must be a ${signed ? '' : 'non-negative '}number`);
      }
    }
  }
  return rules;
}

/** A configuration for tests: everything under one temporary folder. */
export function testConfig(dataDir: string, overrides: Env = {}): Config {
  return loadConfig({ CONFIDANT_DATA_DIR: dataDir, LOG_LEVEL: 'silent', PORT: '0', ...overrides }, dataDir);
}

function parseBackupRecipients(raw: string | undefined, problems: string[]): string[] {
  if (raw === undefined || raw.trim() === '') return [];
  const recipients = raw.split(',').map((r) => r.trim()).filter((r) => r !== '');
  for (const recipient of recipients) {
    try {
      parseAgeRecipient(recipient);
    } catch {
      problems.push(`BACKUP_RECIPIENTS: ${recipient.slice(0, 80)} is not an age X25519 recipient (age1…)`);
    }
  }
  return recipients;
}

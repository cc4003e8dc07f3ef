/**
 * The audit module's settings, from the configuration file only (never the API):
 * `audit` section for intervals and the witness/alert recipients, `alertRules` for thresholds.
 * loadConfig refuses to start on unknown, ill-typed or out-of-range values and on an origin that
 * cannot sign a C2SP note (`auditConfigProblems`); defaults are below (documented in docs/audit.md).
 */
import type { Config } from '../config.js';

export interface AuditSettings {
  /** The checkpoint origin line; fixed at init in the key file, this is only the initial value. */
  origin: string;
  checkpointIntervalSeconds: number;
  verifyIntervalMinutes: number;
  /** Seconds between monitoring runs (fractions allowed; the queue may round up to 1 s). */
  monitorIntervalSeconds: number;
  sinkIntervalSeconds: number;
  /** Where alert mail and (optionally) witnessed checkpoints are sent. */
  complianceEmail: string | null;
  mailCheckpoints: boolean;
  /** File each new checkpoint is appended to (a witness outside the database), or null. */
  witnessFile: string | null;
}

export interface RuleSettings {
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

export type RuleName = keyof RuleSettings;
export const RULE_NAMES: RuleName[] = ['bulk_download', 'out_of_hours', 'repeated_denials', 'many_clients', 'after_leaving', 'wall_crossing', 'break_glass', 'integrity_failure'];

const DEFAULT_RULES: RuleSettings = {
  bulk_download: { enabled: true, threshold: 50, windowMinutes: 10, contain: true },
  out_of_hours: { enabled: false, startHour: 7, endHour: 20, utcOffsetMinutes: 0, weekends: true, contain: false },
  repeated_denials: { enabled: true, threshold: 5, windowMinutes: 10, contain: true },
  many_clients: { enabled: true, threshold: 20, windowMinutes: 60, contain: false },
  after_leaving: { enabled: true, contain: true },
  wall_crossing: { enabled: true, contain: false },
  break_glass: { enabled: true, contain: false },
  integrity_failure: { enabled: true, contain: false },
};

function pick<T extends Record<string, number | boolean>>(defaults: T, raw: unknown): T {
  const out = { ...defaults };
  if (raw && typeof raw === 'object') {
    for (const key of Object.keys(defaults) as (keyof T)[]) {
      const value = (raw as Record<string, unknown>)[key as string];
      if (typeof value === typeof defaults[key]) out[key] = value as T[keyof T];
    }
  }
  return out;
}

export function ruleSettings(config: Config): RuleSettings {
  const raw = config.alertRules;
  return {
    bulk_download: pick(DEFAULT_RULES.bulk_download, raw.bulk_download),
    out_of_hours: pick(DEFAULT_RULES.out_of_hours, raw.out_of_hours),
    repeated_denials: pick(DEFAULT_RULES.repeated_denials, raw.repeated_denials),
    many_clients: pick(DEFAULT_RULES.many_clients, raw.many_clients),
    after_leaving: pick(DEFAULT_RULES.after_leaving, raw.after_leaving),
    wall_crossing: pick(DEFAULT_RULES.wall_crossing, raw.wall_crossing),
    break_glass: pick(DEFAULT_RULES.break_glass, raw.break_glass),
    integrity_failure: pick(DEFAULT_RULES.integrity_failure, raw.integrity_failure),
  };
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

const NUMBER_SETTINGS = ['checkpointIntervalSeconds', 'verifyIntervalMinutes', 'monitorIntervalSeconds', 'sinkIntervalSeconds'] as const;
const TEXT_SETTINGS = ['origin', 'complianceEmail', 'witnessFile'] as const;
const BOOLEAN_SETTINGS = ['mailCheckpoints'] as const;

/**
 * Every problem in the configuration file's `audit` and `alertRules` sections, for loadConfig to
 * report with the others (start-up then stops): a bad checkpoint origin, unknown names (a typo
 * would silently keep a default, e.g. disable alert mail), ill-typed or out-of-range values.
 */
export function auditConfigProblems(file: Record<string, unknown>, publicUrl: string): string[] {
  const problems: string[] = [];
  const audit = file.audit;
  if (audit !== undefined && (audit === null || typeof audit !== 'object' || Array.isArray(audit))) problems.push('audit in the config file must be an object');
  const raw = (audit && typeof audit === 'object' && !Array.isArray(audit) ? audit : {}) as Record<string, unknown>;
  const known = new Set<string>([...NUMBER_SETTINGS, ...TEXT_SETTINGS, ...BOOLEAN_SETTINGS]);
  for (const key of Object.keys(raw)) if (!known.has(key)) problems.push(`audit.${key} in the config file is not a setting (known: ${[...known].join(', ')})`);
  for (const key of NUMBER_SETTINGS) {
    const value = raw[key];
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)) problems.push(`audit.${key} must be a positive number`);
  }
  for (const key of TEXT_SETTINGS) if (raw[key] !== undefined && typeof raw[key] !== 'string') problems.push(`audit.${key} must be a string`);
  for (const key of BOOLEAN_SETTINGS) if (raw[key] !== undefined && typeof raw[key] !== 'boolean') problems.push(`audit.${key} must be true or false`);
  if (typeof raw.origin === 'string') {
    const problem = checkpointOriginProblem(raw.origin);
    if (problem) problems.push(`audit.origin ${problem} (got ${JSON.stringify(raw.origin)}); C2SP signed-note origins allow no whitespace and no "+"`);
  } else if (raw.origin === undefined) {
    let origin: string | null = null;
    try {
      origin = defaultCheckpointOrigin(publicUrl);
    } catch {
      // PUBLIC_URL itself is reported by loadConfig.
    }
    const problem = origin === null ? null : checkpointOriginProblem(origin);
    if (problem) problems.push(`audit.origin is not set and the default from PUBLIC_URL's host (${JSON.stringify(origin)}) ${problem}: set audit.origin in the config file`);
  }

  const rules = file.alertRules;
  if (rules !== undefined && (rules === null || typeof rules !== 'object' || Array.isArray(rules))) problems.push('alertRules in the config file must be an object');
  else if (rules) {
    for (const [name, value] of Object.entries(rules as Record<string, unknown>)) {
      const defaults = (DEFAULT_RULES as unknown as Record<string, Record<string, number | boolean>>)[name];
      if (!defaults) {
        problems.push(`alertRules.${name} is not a rule (known: ${RULE_NAMES.join(', ')})`);
        continue;
      }
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        problems.push(`alertRules.${name} must be an object`);
        continue;
      }
      for (const [field, fieldValue] of Object.entries(value as Record<string, unknown>)) {
        const fallback = defaults[field];
        if (fallback === undefined) problems.push(`alertRules.${name}.${field} is not a setting of this rule (known: ${Object.keys(defaults).join(', ')})`);
        else if (typeof fallback === 'boolean' && typeof fieldValue !== 'boolean') problems.push(`alertRules.${name}.${field} must be true or false`);
        else if (typeof fallback === 'number' && (typeof fieldValue !== 'number' || !Number.isFinite(fieldValue) || (field !== 'utcOffsetMinutes' && fieldValue < 0))) {
          problems.push(`alertRules.${name}.${field} must be a ${field === 'utcOffsetMinutes' ? '' : 'non-negative '}number`);
        }
      }
    }
  }
  return problems;
}

export function auditSettings(config: Config): AuditSettings {
  const raw = (config.file.audit && typeof config.file.audit === 'object' ? config.file.audit : {}) as Record<string, unknown>;
  const number = (key: string, fallback: number) => (typeof raw[key] === 'number' && (raw[key] as number) > 0 ? (raw[key] as number) : fallback);
  const text = (key: string) => (typeof raw[key] === 'string' && (raw[key] as string).trim() !== '' ? (raw[key] as string).trim() : null);
  return {
    origin: text('origin') ?? defaultCheckpointOrigin(config.publicUrl),
    checkpointIntervalSeconds: number('checkpointIntervalSeconds', 300),
    verifyIntervalMinutes: number('verifyIntervalMinutes', 24 * 60),
    // Seconds, fractions allowed: how far behind the log the monitoring rules may fall (TARGETS: < 5 s at 500 events/s).
    monitorIntervalSeconds: number('monitorIntervalSeconds', 1),
    sinkIntervalSeconds: number('sinkIntervalSeconds', 10),
    complianceEmail: text('complianceEmail'),
    mailCheckpoints: raw.mailCheckpoints === true,
    witnessFile: text('witnessFile'),
  };
}

/**
 * The audit module's settings, from the configuration file only (never the API):
 * `audit` section for intervals and the witness/alert recipients, `alertRules` for thresholds.
 * Unknown or ill-typed values fall back to the defaults below (documented in docs/audit.md).
 */
import type { Config } from '../config.js';

export interface AuditSettings {
  /** The checkpoint origin line; fixed at init in the key file, this is only the initial value. */
  origin: string;
  checkpointIntervalSeconds: number;
  verifyIntervalMinutes: number;
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

export function auditSettings(config: Config): AuditSettings {
  const raw = (config.file.audit && typeof config.file.audit === 'object' ? config.file.audit : {}) as Record<string, unknown>;
  const number = (key: string, fallback: number) => (typeof raw[key] === 'number' && (raw[key] as number) > 0 ? (raw[key] as number) : fallback);
  const text = (key: string) => (typeof raw[key] === 'string' && (raw[key] as string).trim() !== '' ? (raw[key] as string).trim() : null);
  return {
    origin: text('origin') ?? `${new URL(config.publicUrl).host}/confidant-audit`,
    checkpointIntervalSeconds: number('checkpointIntervalSeconds', 300),
    verifyIntervalMinutes: number('verifyIntervalMinutes', 24 * 60),
    monitorIntervalSeconds: number('monitorIntervalSeconds', 30),
    sinkIntervalSeconds: number('sinkIntervalSeconds', 10),
    complianceEmail: text('complianceEmail'),
    mailCheckpoints: raw.mailCheckpoints === true,
    witnessFile: text('witnessFile'),
  };
}

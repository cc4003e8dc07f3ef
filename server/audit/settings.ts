/**
 * The audit module's settings. They come from the configuration file only (never the API) and are
 * parsed, validated and given their defaults once, in server/config.ts (`audit` and `alertRules`;
 * documented in docs/audit.md): this file only reads them, so no bad value can reach here.
 */
import { checkpointOriginProblem, defaultCheckpointOrigin, type AlertRulesConfig, type AuditConfig, type Config } from '../config.js';

export type AuditSettings = AuditConfig;
export type RuleSettings = AlertRulesConfig;
export { checkpointOriginProblem, defaultCheckpointOrigin };

export function ruleSettings(config: Config): RuleSettings {
  return config.alertRules;
}

export function auditSettings(config: Config): AuditSettings {
  return config.audit;
}

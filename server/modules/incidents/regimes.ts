/**
 * Notification obligations as data: one JSON rule file per regime in `regimes/` (GDPR, HIPAA,
 * US state laws, ABA Formal Opinion 483), loaded and validated when the module starts — a bad
 * file stops the start with its name and the field at fault. Each deadline runs from the time the
 * firm became aware of the incident.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';

export const RegimeSchema = Type.Object(
  {
    id: Type.String({ pattern: '^[a-z0-9_]{1,40}$' }),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    appliesWhen: Type.String({ minLength: 1, maxLength: 500 }),
    deadlines: Type.Array(
      Type.Object(
        {
          key: Type.String({ pattern: '^[a-z0-9_]{1,40}$' }),
          label: Type.String({ minLength: 1, maxLength: 200 }),
          notify: Type.Union([Type.Literal('regulator'), Type.Literal('data_subjects'), Type.Literal('clients')]),
          hours: Type.Integer({ minimum: 1, maximum: 24 * 366 }),
          undueDelay: Type.Optional(Type.Boolean({ description: 'The law says "without undue delay": the hours are a prompt, not a cut-off' })),
          citation: Type.String({ minLength: 1, maxLength: 500 }),
        },
        { additionalProperties: false },
      ),
      { minItems: 1 },
    ),
  },
  { additionalProperties: false },
);
export type Regime = Static<typeof RegimeSchema>;

export class RegimeFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RegimeFileError';
  }
}

const HERE = dirname(fileURLToPath(import.meta.url));

/** Parses and checks rule files (`{ name, text }`); throws RegimeFileError naming the file and field. */
export function parseRegimes(files: { name: string; text: string }[]): Regime[] {
  const regimes: Regime[] = [];
  for (const file of files) {
    let value: unknown;
    try {
      value = JSON.parse(file.text);
    } catch {
      throw new RegimeFileError(`incident regime ${file.name} is not JSON`);
    }
    const error = [...Value.Errors(RegimeSchema, value)][0];
    if (error) throw new RegimeFileError(`incident regime ${file.name}: ${error.instancePath || '/'} ${error.message}`);
    const regime = value as Regime;
    if (regimes.some((r) => r.id === regime.id)) throw new RegimeFileError(`incident regime ${file.name}: id ${regime.id} is used twice`);
    if (new Set(regime.deadlines.map((d) => d.key)).size !== regime.deadlines.length) throw new RegimeFileError(`incident regime ${file.name}: a deadline key is used twice`);
    regimes.push(regime);
  }
  return regimes.sort((a, b) => a.id.localeCompare(b.id));
}

let loaded: Regime[] | null = null;

/** The regimes shipped in `regimes/` (read once). Throws RegimeFileError. */
export function loadRegimes(dir = join(HERE, 'regimes')): Regime[] {
  if (dir === join(HERE, 'regimes') && loaded) return loaded;
  const files = readdirSync(dir)
    .filter((n) => n.endsWith('.json'))
    .sort()
    .map((name) => ({ name, text: readFileSync(join(dir, name), 'utf8') }));
  const regimes = parseRegimes(files);
  if (dir === join(HERE, 'regimes')) loaded = regimes;
  return regimes;
}

export interface Clock {
  regime: string;
  key: string;
  label: string;
  notify: 'regulator' | 'data_subjects' | 'clients';
  citation: string;
  undueDelay: boolean;
  dueAt: number;
  /** Positive: time left; negative: overdue by. */
  remainingMs: number;
  state: 'running' | 'due_soon' | 'overdue' | 'stopped';
}

/** The deadline clocks of an incident: each from `awareAt`; stopped once the incident is notified. */
export function clocksOf(regimes: Regime[], chosen: string[], awareAt: number, now: number, stopped: boolean): Clock[] {
  const clocks: Clock[] = [];
  for (const regime of regimes.filter((r) => chosen.includes(r.id))) {
    for (const d of regime.deadlines) {
      const dueAt = awareAt + d.hours * 3_600_000;
      const remainingMs = dueAt - now;
      const soon = Math.min(24 * 3_600_000, (d.hours * 3_600_000) / 3);
      clocks.push({ regime: regime.id, key: d.key, label: d.label, notify: d.notify, citation: d.citation, undueDelay: d.undueDelay === true, dueAt, remainingMs, state: stopped ? 'stopped' : remainingMs < 0 ? 'overdue' : remainingMs <= soon ? 'due_soon' : 'running' });
    }
  }
  return clocks.sort((a, b) => a.dueAt - b.dueAt);
}

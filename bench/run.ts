/**
 * `npm run bench [-- --quick] [scenario …]`: runs bench/scenarios/*.bench.ts (all, or those named),
 * prints one table of figures beside their same-run baselines and writes bench/results/latest.json.
 * Scenarios run one after another: they share 2 cores and must not disturb each other.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchRow, BenchScenario } from './harness.js';

const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url));
const SCENARIO_DIR = join(BENCH_DIR, 'scenarios');
const RESULTS_DIR = join(BENCH_DIR, 'results');

export interface ScenarioResult {
  scenario: string;
  description: string;
  seconds: number;
  rows: BenchRow[];
  error?: string;
}

export function scenarioFiles(dir: string = SCENARIO_DIR): { name: string; file: string }[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.bench.ts'))
    .sort()
    .map((f) => ({ name: basename(f, '.bench.ts'), file: join(dir, f) }));
}

function format(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

/** A plain-text table: scenario, metric, value, baseline, ratio, target. */
export function renderTable(results: ScenarioResult[]): string {
  const header = ['scenario', 'metric', 'value', 'baseline', 'ratio', 'target', 'note'];
  const lines: string[][] = [];
  for (const result of results) {
    if (result.error) lines.push([result.scenario, 'FAILED', '', '', '', '', result.error]);
    for (const row of result.rows) {
      lines.push([
        result.scenario,
        row.metric,
        `${format(row.value)} ${row.unit}`,
        row.baseline ? `${format(row.baseline.value)} (${row.baseline.name})` : '',
        row.ratio === undefined ? '' : `${format(row.ratio)}×`,
        row.target ?? '',
        row.note ?? '',
      ]);
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const render = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [render(header), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.map(render)].join('\n');
}

export async function runBenchmarks(argv: string[], print: (line: string) => void = console.log): Promise<{ results: ScenarioResult[]; failed: boolean }> {
  const quick = argv.includes('--quick');
  const wanted = argv.filter((a) => !a.startsWith('--'));
  const available = scenarioFiles();
  const unknown = wanted.filter((w) => !available.some((s) => s.name === w));
  if (unknown.length > 0) throw new Error(`Unknown scenario(s): ${unknown.join(', ')}. Available: ${available.map((s) => s.name).join(', ')}`);
  const selected = wanted.length > 0 ? available.filter((s) => wanted.includes(s.name)) : available;

  // Recorded with the results: figures taken on a busy machine are not comparable to quiet ones.
  const loadBefore = loadavg()[0]!;
  const results: ScenarioResult[] = [];
  for (const { file } of selected) {
    const scenario = ((await import(pathToFileURL(file).href)) as { default: BenchScenario }).default;
    print(`▶ ${scenario.name}: ${scenario.description}${quick ? ' (quick)' : ''}`);
    const started = performance.now();
    try {
      const rows = await scenario.run({ quick });
      results.push({ scenario: scenario.name, description: scenario.description, seconds: (performance.now() - started) / 1000, rows });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      print(`  failed: ${message}`);
      results.push({ scenario: scenario.name, description: scenario.description, seconds: (performance.now() - started) / 1000, rows: [], error: message });
    }
  }
  print('');
  print(renderTable(results));
  if (loadBefore > cpus().length) print(`\nNote: load average was ${loadBefore.toFixed(1)} on ${cpus().length} CPUs: other work shared the machine; compare ratios, not absolute figures.`);
  mkdirSync(RESULTS_DIR, { recursive: true });
  const report = {
    at: new Date().toISOString(),
    quick,
    machine: { node: process.version, platform: process.platform, arch: process.arch, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? '', memoryBytes: totalmem() },
    loadAverage1m: { before: loadBefore, after: loadavg()[0]! },
    results,
  };
  writeFileSync(join(RESULTS_DIR, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
  print(`\nWrote bench/results/latest.json`);
  return { results, failed: results.some((r) => r.error !== undefined) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runBenchmarks(process.argv.slice(2))
    .then(({ failed }) => {
      process.exitCode = failed ? 1 : 0;
    })
    .catch((error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 2;
    });
}

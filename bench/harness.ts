/**
 * The benchmark contract. Each `bench/scenarios/<name>.bench.ts` default-exports a BenchScenario;
 * `npm run bench` runs them all (or those named on the command line), prints one table and writes
 * bench/results/latest.json. Every figure is reported beside a baseline measured in the same run.
 */
export interface BenchRow {
  /** What was measured, e.g. "GET /api/v1/health, 50 connections". */
  metric: string;
  value: number;
  /** e.g. "req/s", "MiB/s", "µs p99", "events/s", "ms". */
  unit: string;
  baseline?: { name: string; value: number };
  /** value / baseline.value, or baseline/value for latencies — say which in `note`. */
  ratio?: number;
  /** The target from TARGETS.md, e.g. "≥ 0.25×". */
  target?: string;
  note?: string;
}

export interface BenchOptions {
  /** Short runs (CI smoke, `npm run bench -- --quick`). */
  quick: boolean;
}

export interface BenchScenario {
  name: string;
  description: string;
  run(options: BenchOptions): Promise<BenchRow[]>;
}

/** The p-th percentile of an ascending array. */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Times `fn` once per sample (µs) and returns p50 and p99. */
export async function timeEach(samples: number, fn: (i: number) => unknown): Promise<{ p50: number; p99: number }> {
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const start = process.hrtime.bigint();
    await fn(i);
    times.push(Number(process.hrtime.bigint() - start) / 1000);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99) };
}

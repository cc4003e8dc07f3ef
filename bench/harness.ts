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

/**
 * Background work behind one interface: an in-process scheduler on the embedded default, a
 * PostgreSQL-backed queue (pg-boss) on scale-out. A failing job is retried with backoff; its
 * failure is logged and recorded (`listFailures`), never silent.
 */
export type JobHandler = (payload: Record<string, unknown>) => Promise<void>;

export interface JobOptions {
  /** Attempts before the job is marked failed (default 3). */
  retryLimit?: number;
  /** First retry delay in ms, doubled on each attempt (default 1000). */
  retryDelayMs?: number;
}

export interface JobFailure {
  name: string;
  attempts: number;
  error: string;
  failedAt: number;
}

export interface JobQueue {
  readonly kind: 'in-process' | 'pg-boss';
  /** Declares a job kind and its handler. Call before `start`. */
  register(name: string, handler: JobHandler, options?: JobOptions): void;
  /** Runs `name` every `intervalMs` (on one node only, when several run). */
  schedule(name: string, intervalMs: number, payload?: Record<string, unknown>): void;
  enqueue(name: string, payload?: Record<string, unknown>): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Recent failures (after all retries), newest first. */
  listFailures(limit?: number): Promise<JobFailure[]>;
  /** Resolves when no job is queued or running (tests). */
  idle(): Promise<void>;
}

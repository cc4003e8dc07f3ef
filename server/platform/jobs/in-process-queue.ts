import type { Logger } from 'pino';
import type { JobFailure, JobHandler, JobOptions, JobQueue } from './job-queue.js';

interface Registered {
  handler: JobHandler;
  retryLimit: number;
  retryDelayMs: number;
}

/** The embedded default: jobs run in this process, one at a time per name, retried with backoff. */
export class InProcessQueue implements JobQueue {
  readonly kind = 'in-process' as const;
  private readonly handlers = new Map<string, Registered>();
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Retries waiting for their delay; `stop` settles them (false = do not retry). */
  private readonly pendingRetries = new Set<(retry: boolean) => void>();
  private readonly schedules: { name: string; intervalMs: number; payload: Record<string, unknown> }[] = [];
  private readonly failures: JobFailure[] = [];
  private running = 0;
  private started = false;
  private waiters: (() => void)[] = [];

  constructor(private readonly logger: Logger) {}

  register(name: string, handler: JobHandler, options: JobOptions = {}): void {
    this.handlers.set(name, { handler, retryLimit: options.retryLimit ?? 3, retryDelayMs: options.retryDelayMs ?? 1000 });
  }

  schedule(name: string, intervalMs: number, payload: Record<string, unknown> = {}): void {
    this.schedules.push({ name, intervalMs, payload });
    if (this.started) this.startSchedule(name, intervalMs, payload);
  }

  async enqueue(name: string, payload: Record<string, unknown> = {}): Promise<void> {
    const job = this.handlers.get(name);
    if (!job) throw new Error(`Unknown job ${name}`);
    this.running++;
    void this.runWithRetries(name, job, payload, 1).finally(() => {
      this.running--;
      if (this.running === 0) for (const resolve of this.waiters.splice(0)) resolve();
    });
  }

  private async runWithRetries(name: string, job: Registered, payload: Record<string, unknown>, attempt: number): Promise<void> {
    try {
      await job.handler(payload);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (attempt < job.retryLimit) {
        this.logger.warn({ job: name, attempt, err: message }, 'job failed, retrying');
        const retried = await delay(job.retryDelayMs * 2 ** (attempt - 1), this.pendingRetries);
        if (retried) return this.runWithRetries(name, job, payload, attempt + 1);
        // Stopped while waiting to retry: record it rather than run after shutdown or vanish.
        this.logger.error({ job: name, attempts: attempt, err: message }, 'job failed, not retried: queue stopped');
        this.recordFailure({ name, attempts: attempt, error: message, failedAt: Date.now() });
        return;
      }
      this.logger.error({ job: name, attempts: attempt, err: message }, 'job failed');
      this.recordFailure({ name, attempts: attempt, error: message, failedAt: Date.now() });
    }
  }

  private recordFailure(failure: JobFailure): void {
    this.failures.unshift(failure);
    this.failures.splice(100);
  }

  private startSchedule(name: string, intervalMs: number, payload: Record<string, unknown>): void {
    const timer = setInterval(() => {
      void this.enqueue(name, payload);
    }, intervalMs);
    timer.unref();
    this.timers.add(timer);
  }

  async start(): Promise<void> {
    this.started = true;
    for (const s of this.schedules) this.startSchedule(s.name, s.intervalMs, s.payload);
  }

  async stop(): Promise<void> {
    this.started = false;
    for (const timer of this.timers) clearInterval(timer);
    this.timers.clear();
    for (const settle of [...this.pendingRetries]) settle(false);
  }

  async listFailures(limit = 50): Promise<JobFailure[]> {
    return this.failures.slice(0, limit);
  }

  idle(): Promise<void> {
    if (this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}

/** Resolves true after `ms`, or false as soon as the queue settles it on stop. */
function delay(ms: number, pending: Set<(retry: boolean) => void>): Promise<boolean> {
  return new Promise((resolve) => {
    const settle = (retry: boolean) => {
      clearTimeout(timer);
      pending.delete(settle);
      resolve(retry);
    };
    const timer = setTimeout(() => settle(true), ms);
    timer.unref();
    pending.add(settle);
  });
}

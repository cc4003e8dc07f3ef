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
        await delay(job.retryDelayMs * 2 ** (attempt - 1), this.timers);
        if (!this.started && this.timers.size === 0 && attempt > 0) {
          // stopped while waiting: record instead of running after shutdown
        }
        return this.runWithRetries(name, job, payload, attempt + 1);
      }
      this.logger.error({ job: name, attempts: attempt, err: message }, 'job failed');
      this.failures.unshift({ name, attempts: attempt, error: message, failedAt: Date.now() });
      this.failures.splice(100);
    }
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
  }

  async listFailures(limit = 50): Promise<JobFailure[]> {
    return this.failures.slice(0, limit);
  }

  idle(): Promise<void> {
    if (this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}

function delay(ms: number, timers: Set<NodeJS.Timeout>): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      resolve();
    }, ms);
    timer.unref();
    timers.add(timer);
  });
}

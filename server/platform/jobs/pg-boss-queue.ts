import PgBoss from 'pg-boss';
import pg from 'pg';
import type { Logger } from 'pino';
import type { JobFailure, JobHandler, JobOptions, JobQueue } from './job-queue.js';

interface Registered {
  handler: JobHandler;
  options: Required<JobOptions>;
}

export interface PgBossQueueOptions {
  /** Seconds between polls for new jobs on each node (pg-boss minimum 0.5; default 2). */
  pollingIntervalSeconds?: number;
  /** pg-boss's own schema in the Confidant database (default `pgboss`). */
  schema?: string;
}

/**
 * The scale-out queue: jobs live in PostgreSQL (pg-boss), so any node may run them and a node
 * that dies mid-job leaves it to be retried elsewhere. Failures after the last retry stay in
 * pg-boss's tables (state `failed`), which `listFailures` reads, and are logged by the node
 * that saw them.
 */
export class PgBossQueue implements JobQueue {
  readonly kind = 'pg-boss' as const;
  private readonly boss: PgBoss;
  private readonly pool: pg.Pool;
  private readonly handlers = new Map<string, Registered>();
  private readonly schedules = new Map<string, { intervalMs: number; payload: Record<string, unknown> }>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly schema: string;
  private readonly pollingIntervalSeconds: number;
  private starting: Promise<void> | null = null;
  private stopped = false;

  constructor(
    connectionString: string,
    private readonly logger: Logger,
    options: PgBossQueueOptions = {},
  ) {
    this.schema = options.schema ?? 'pgboss';
    this.pollingIntervalSeconds = options.pollingIntervalSeconds ?? 2;
    // Our own pool, so every checked-out client has an 'error' listener: pg-boss's pool listens
    // only when idle, and a connection lost mid-query would otherwise end the process.
    this.pool = new pg.Pool({ connectionString, max: 4, application_name: 'confidant-jobs', connectionTimeoutMillis: 5000 });
    this.pool.on('error', () => undefined);
    this.pool.on('connect', (client) => client.on('error', () => undefined));
    const pool = this.pool;
    this.boss = new PgBoss({
      db: { executeSql: (text: string, values?: unknown[]) => pool.query(text, values) },
      schema: this.schema,
      // We schedule with throttled sends (second resolution), not pg-boss's minute-cron.
      schedule: false,
      // Keep failed jobs visible for a week before pg-boss archives them.
      archiveFailedAfterSeconds: 7 * 24 * 3600,
    });
    this.boss.on('error', (error: Error) => this.logger.error({ err: { type: error.name, message: error.message } }, 'job queue error'));
  }

  register(name: string, handler: JobHandler, options: JobOptions = {}): void {
    this.handlers.set(name, { handler, options: { retryLimit: options.retryLimit ?? 3, retryDelayMs: options.retryDelayMs ?? 1000 } });
  }

  schedule(name: string, intervalMs: number, payload: Record<string, unknown> = {}): void {
    this.schedules.set(name, { intervalMs, payload });
    if (this.starting && !this.stopped) this.startSchedule(name, intervalMs, payload);
  }

  async enqueue(name: string, payload: Record<string, unknown> = {}): Promise<void> {
    if (!this.handlers.has(name)) throw new Error(`Unknown job ${name}`);
    // Like the in-process queue, enqueueing works before `start` (tests, CLI): start lazily.
    await this.start();
    await this.boss.send(name, payload);
  }

  start(): Promise<void> {
    this.stopped = false;
    this.starting ??= this.startNow();
    return this.starting;
  }

  private async startNow(): Promise<void> {
    await this.boss.start();
    for (const [name, { handler, options }] of this.handlers) {
      // pg-boss counts retries after the first attempt; our retryLimit counts attempts.
      const retryDelay = Math.round(options.retryDelayMs / 1000);
      await this.boss.createQueue(name, { name, retryLimit: Math.max(0, options.retryLimit - 1), retryDelay, retryBackoff: retryDelay > 0 });
      await this.boss.work<Record<string, unknown>>(
        name,
        { includeMetadata: true, batchSize: 1, pollingIntervalSeconds: this.pollingIntervalSeconds },
        async (jobs) => {
          for (const job of jobs) {
            const attempt = job.retryCount + 1;
            try {
              await handler(job.data);
            } catch (error) {
              const message = error instanceof Error ? error.message : String(error);
              if (job.retryCount < job.retryLimit) this.logger.warn({ job: name, jobId: job.id, attempt, err: message }, 'job failed, retrying');
              else this.logger.error({ job: name, jobId: job.id, attempts: attempt, err: message }, 'job failed');
              // Only the message is stored in pg-boss's table: a stack says nothing to an operator.
              throw { message };
            }
          }
        },
      );
    }
    for (const [name, { intervalMs, payload }] of this.schedules) this.startSchedule(name, intervalMs, payload);
  }

  /**
   * Every node ticks; pg-boss's throttling (one job per time slot, enforced by a unique index)
   * makes each interval produce a single job however many nodes run.
   */
  private startSchedule(name: string, intervalMs: number, payload: Record<string, unknown>): void {
    const seconds = Math.max(1, Math.round(intervalMs / 1000));
    const tick = () => {
      this.boss.sendThrottled(name, payload, {}, seconds).catch((error: unknown) => {
        this.logger.error({ job: name, err: { message: error instanceof Error ? error.message : String(error) } }, 'could not schedule job');
      });
    };
    const timer = setInterval(tick, seconds * 1000);
    timer.unref();
    this.timers.add(timer);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearInterval(timer);
    this.timers.clear();
    if (!this.starting) {
      await this.pool.end().catch(() => undefined);
      return;
    }
    await this.starting.catch(() => undefined);
    this.starting = null;
    await this.boss.stop({ graceful: true, wait: true, timeout: 10_000 });
    await this.pool.end().catch(() => undefined);
  }

  async listFailures(limit = 50): Promise<JobFailure[]> {
    await this.start();
    const names = [...this.handlers.keys()];
    if (names.length === 0) return [];
    const { rows } = await this.boss.getDb().executeSql(
      `select name, retry_count, output, completed_on from ${this.schema}.job where state = 'failed' and name = any($1)
       union all
       select name, retry_count, output, completed_on from ${this.schema}.archive where state = 'failed' and name = any($1)
       order by completed_on desc limit $2`,
      [names, limit],
    );
    return (rows as { name: string; retry_count: number; output: unknown; completed_on: Date | null }[]).map((row) => ({
      name: row.name,
      attempts: row.retry_count + 1,
      error: failureMessage(row.output),
      failedAt: row.completed_on ? row.completed_on.getTime() : 0,
    }));
  }

  async idle(): Promise<void> {
    if (!this.starting) return;
    await this.starting;
    const names = [...this.handlers.keys()];
    for (;;) {
      const { rows } = await this.boss
        .getDb()
        .executeSql(`select count(*)::int as pending from ${this.schema}.job where name = any($1) and state in ('created', 'retry', 'active')`, [names]);
      if ((rows[0] as { pending: number }).pending === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

function failureMessage(output: unknown): string {
  const value = (output as { value?: { message?: unknown }; message?: unknown } | null) ?? null;
  const message = value?.message ?? value?.value?.message;
  return typeof message === 'string' ? message : 'failed';
}

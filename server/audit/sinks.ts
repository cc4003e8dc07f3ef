/**
 * SIEM sinks, configured in the configuration file only (`auditSinks`): JSON lines file, RFC 5424
 * syslog over TCP or TLS (octet-counted framing, RFC 6587), signed webhook. Each sink follows the
 * log from its own cursor in a background job, so a hung or failing sink never blocks a request;
 * it catches up when it recovers. New checkpoints are pushed to every sink as they are made
 * (witnessing).
 */
import { createHmac } from 'node:crypto';
import { appendFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import net from 'node:net';
import tls from 'node:tls';
import type { AuditSinkConfig } from '../config.js';
import type { AppServices } from '../platform/context.js';
import { onCheckpoint, type Checkpoint } from './checkpoints.js';
import { readCursor, serialized, writeCursor } from './cursors.js';
import type { AuditLeaf } from './audit.schemas.js';
import { decodeLeaf } from './leaf.js';
import { readLeaves } from './log.repository.js';

const BATCH = 500;
const TIMEOUT_MS = 5000;

export type SinkRecord =
  | { type: 'audit.event'; index: number; leaf: string; event: AuditLeaf }
  | { type: 'audit.checkpoint'; size: number; root: string; note: string };

export function sinkName(sink: AuditSinkConfig, index: number): string {
  const target = sink.kind === 'jsonl' ? sink.path : sink.kind === 'syslog' ? `${sink.host}:${sink.port}` : new URL(sink.url).host;
  return `sink:${index}:${sink.kind}:${target}`.slice(0, 100);
}

/** RFC 5424 message: facility 13 (log audit), severity info, or warning for denials. */
export function syslogMessage(record: SinkRecord, host = hostname()): string {
  const denied = record.type === 'audit.event' && record.event.outcome === 'denied';
  const pri = 13 * 8 + (denied ? 4 : 6);
  const time = new Date(record.type === 'audit.event' ? record.event.at : Date.now()).toISOString();
  const msgId = record.type === 'audit.event' ? record.event.action.slice(0, 32) : 'checkpoint';
  const sd = record.type === 'audit.event' ? `[confidant@32473 index="${record.index}" outcome="${record.event.outcome}"]` : `[confidant@32473 size="${record.size}"]`;
  return `<${pri}>1 ${time} ${host.slice(0, 255) || '-'} confidant - ${msgId} ${sd} ${JSON.stringify(record)}`;
}

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} timed out`)), TIMEOUT_MS);
    }),
  ]).finally(() => clearTimeout(timer));
}

async function sendSyslog(sink: Extract<AuditSinkConfig, { kind: 'syslog' }>, records: SinkRecord[]): Promise<void> {
  const payload = records.map((r) => {
    const message = Buffer.from(syslogMessage(r), 'utf8');
    return `${message.length} ${message.toString('utf8')}`;
  });
  await withTimeout(
    new Promise<void>((resolve, reject) => {
      const socket = sink.tls
        ? tls.connect({ host: sink.host, port: sink.port, servername: sink.host, ...(sink.caFile ? { ca: readFileSync(sink.caFile) } : {}) })
        : net.connect({ host: sink.host, port: sink.port });
      socket.once('error', reject);
      socket.once(sink.tls ? 'secureConnect' : 'connect', () => {
        socket.end(payload.join(''), () => resolve());
      });
      socket.setTimeout(TIMEOUT_MS, () => socket.destroy(new Error('syslog sink timed out')));
    }),
    'syslog sink',
  );
}

/** Webhook body signature: hex HMAC-SHA256 over `<timestamp>.<body>` with the sink's secret. */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

async function sendWebhook(sink: Extract<AuditSinkConfig, { kind: 'webhook' }>, records: SinkRecord[]): Promise<void> {
  const body = JSON.stringify({ records });
  const timestamp = String(Date.now());
  const response = await fetch(sink.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-confidant-timestamp': timestamp, 'x-confidant-signature': `sha256=${webhookSignature(sink.secret, timestamp, body)}` },
    body,
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  await response.body?.cancel();
  if (!response.ok) throw new Error(`webhook sink answered ${response.status}`);
}

export async function deliver(sink: AuditSinkConfig, records: SinkRecord[]): Promise<void> {
  switch (sink.kind) {
    case 'jsonl':
      await withTimeout(appendFile(sink.path, records.map((r) => `${JSON.stringify(r)}\n`).join(''), { mode: 0o600 }), 'jsonl sink');
      return;
    case 'syslog':
      return sendSyslog(sink, records);
    case 'webhook':
      return sendWebhook(sink, records);
  }
}

/** Feeds every configured sink from its cursor until caught up or failing. */
export const runSinks = serialized(async (services: AppServices) => {
  await Promise.all(
    services.config.auditSinks.map(async (sink, i) => {
      const name = sinkName(sink, i);
      let { position } = await readCursor(services, name);
      for (;;) {
        const rows = await readLeaves(services.database.db, position, BATCH);
        if (rows.length === 0) return;
        const records: SinkRecord[] = rows.map((r) => ({ type: 'audit.event', index: r.seq, leaf: Buffer.from(r.leaf).toString('base64'), event: decodeLeaf(r.leaf) }));
        try {
          await deliver(sink, records);
        } catch (error) {
          services.logger.warn({ sink: sink.kind, index: i, err: error instanceof Error ? error.message : 'unknown' }, 'audit sink delivery failed; will retry from its cursor');
          await writeCursor(services, name, position, 'failing');
          return;
        }
        position = rows[rows.length - 1]!.seq;
        await writeCursor(services, name, position, 'ok');
      }
    }),
  );
});

/** Pushes each new checkpoint to every sink (best effort; the next run does not resend it). */
export function startSinks(services: AppServices): () => void {
  if (services.config.auditSinks.length === 0) return () => undefined;
  return onCheckpoint((checkpoint: Checkpoint, from: AppServices) => {
    if (from !== services) return;
    const record: SinkRecord = { type: 'audit.checkpoint', size: checkpoint.size, root: checkpoint.root.toString('base64'), note: checkpoint.note };
    for (const sink of services.config.auditSinks) {
      deliver(sink, [record]).catch((error: unknown) =>
        services.logger.warn({ sink: sink.kind, err: error instanceof Error ? error.message : 'unknown' }, 'audit sink: checkpoint witness delivery failed'),
      );
    }
  });
}

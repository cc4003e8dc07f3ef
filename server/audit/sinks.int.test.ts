import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserId } from '../../common/ids.js';
import type { RequestContext } from '../platform/context.js';
import { DIALECTS } from '../test-support/dialects.js';
import { createTestInstance, type TestInstance } from '../test-support/test-instance.js';
import { createCheckpoint } from './checkpoints.js';
import { recordEvent } from './index.js';
import { runSinks, startSinks, webhookSignature, type SinkRecord } from './sinks.js';

const SECRET = 'a-webhook-secret-of-32-characters';

describe.each(DIALECTS)('audit SIEM sinks on %s', (dialect) => {
  let instance: TestInstance;
  let syslog: net.Server;
  let webhook: Server;
  const syslogData: Buffer[] = [];
  const webhookRecords: SinkRecord[] = [];
  let webhookMode: 'ok' | 'fail' | 'hang' = 'ok';
  let stopSinks: () => void;

  const ctx = (): RequestContext => ({ ...instance.system(), actor: { kind: 'user', userId: 'u-1' as UserId, role: 'attorney', clientId: null, sessionId: 's', tokenId: null, mfaAt: null } });
  const listen = (server: net.Server | Server) => new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));

  beforeAll(async () => {
    syslog = net.createServer((socket) => socket.on('data', (chunk) => syslogData.push(chunk)));
    webhook = createServer((request: IncomingMessage, response: ServerResponse) => {
      const chunks: Buffer[] = [];
      request.on('data', (c: Buffer) => chunks.push(c));
      request.on('end', () => {
        if (webhookMode === 'hang') return; // never answers
        const body = Buffer.concat(chunks).toString('utf8');
        const expected = `sha256=${webhookSignature(SECRET, String(request.headers['x-confidant-timestamp']), body)}`;
        if (webhookMode === 'fail' || request.headers['x-confidant-signature'] !== expected) {
          response.writeHead(503).end();
          return;
        }
        webhookRecords.push(...(JSON.parse(body) as { records: SinkRecord[] }).records);
        response.writeHead(204).end();
      });
    });
    const [syslogPort, webhookPort] = [await listen(syslog), await listen(webhook)];
    instance = await createTestInstance(dialect, { http: false });
    instance.services.config.auditSinks = [
      { kind: 'jsonl', path: join(instance.config.dataDir, 'siem.jsonl') },
      { kind: 'syslog', host: '127.0.0.1', port: syslogPort, tls: false },
      { kind: 'webhook', url: `http://127.0.0.1:${webhookPort}/hook`, secret: SECRET },
    ];
    stopSinks = startSinks(instance.services);
  });
  afterAll(async () => {
    stopSinks?.();
    webhook?.closeAllConnections();
    await new Promise((resolve) => webhook?.close(resolve));
    await new Promise((resolve) => syslog?.close(resolve));
    await instance?.close();
  });

  it('delivers every event to the JSON lines file, RFC 5424 syslog and the signed webhook', async () => {
    for (let i = 0; i < 3; i++) await recordEvent(ctx(), { action: 'document.read', outcome: i === 2 ? 'denied' : 'allowed', resources: { documentId: `d-${i}` } });
    await runSinks(instance.services);
    const lines = readFileSync(join(instance.config.dataDir, 'siem.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as SinkRecord);
    const indexes = lines.filter((l) => l.type === 'audit.event').map((l) => (l.type === 'audit.event' ? l.index : -1));
    expect(indexes).toEqual([0, 1, 2]);
    expect(webhookRecords.filter((r) => r.type === 'audit.event')).toHaveLength(3);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const text = Buffer.concat(syslogData).toString('utf8');
    // Octet-counted frames: "<length> <message>", each an RFC 5424 line (facility 13; denied = warning).
    const frames: string[] = [];
    for (let rest = text; rest.length > 0; ) {
      const space = rest.indexOf(' ');
      const length = Number(rest.slice(0, space));
      const body = Buffer.from(rest.slice(space + 1), 'utf8').subarray(0, length).toString('utf8');
      frames.push(body);
      rest = rest.slice(space + 1 + body.length);
    }
    expect(frames).toHaveLength(3);
    expect(frames[0]).toMatch(/^<110>1 \d{4}-\d\d-\d\dT[\d:.]+Z \S+ confidant - document\.read \[confidant@32473 index="0" outcome="allowed"\] \{/);
    expect(frames[2]).toMatch(/^<108>1 /);
  });

  it('never blocks requests on a hung sink, and catches up from its cursor after a failure', async () => {
    webhookMode = 'hang';
    const before = webhookRecords.length;
    await recordEvent(ctx(), { action: 'matter.read', outcome: 'allowed' });
    const sweep = runSinks(instance.services);
    await new Promise((resolve) => setTimeout(resolve, 300));
    // A request records its event while the webhook hangs.
    const started = Date.now();
    await recordEvent(ctx(), { action: 'matter.read', outcome: 'allowed' });
    expect(Date.now() - started).toBeLessThan(1000);
    const sweepStarted = Date.now();
    await sweep;
    // The hung delivery was abandoned by its timeout, not waited on forever.
    expect(Date.now() - sweepStarted).toBeGreaterThan(1000);
    webhookMode = 'fail';
    await runSinks(instance.services);
    expect(webhookRecords.length).toBe(before);
    webhookMode = 'ok';
    await runSinks(instance.services);
    expect(webhookRecords.filter((r) => r.type === 'audit.event').map((r) => (r.type === 'audit.event' ? r.index : -1))).toEqual([0, 1, 2, 3, 4]);
  }, 20_000);

  it('pushes each new checkpoint to the sinks as a witness', async () => {
    const checkpoint = await createCheckpoint(instance.services);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const lines = readFileSync(join(instance.config.dataDir, 'siem.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as SinkRecord);
    expect(lines).toContainEqual({ type: 'audit.checkpoint', size: checkpoint.size, root: checkpoint.root.toString('base64'), note: checkpoint.note });
    expect(webhookRecords.some((r) => r.type === 'audit.checkpoint' && r.size === checkpoint.size)).toBe(true);
  });
});

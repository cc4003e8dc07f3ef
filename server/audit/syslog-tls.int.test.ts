import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliver, type SinkRecord } from './sinks.js';

// Syslog over TLS (RFC 5425 transport, RFC 5424 messages) against a real TLS server with a
// self-signed certificate: delivered when the CA is configured, refused when it is not.
describe('syslog sink over TLS', () => {
  let dir: string;
  let server: tls.Server;
  let port: number;
  const received: Buffer[] = [];
  const record: SinkRecord = {
    type: 'audit.event',
    index: 7,
    leaf: 'e30=',
    event: { v: 1, index: 7, at: Date.UTC(2026, 0, 6, 10, 0, 0), actorType: 'user', actorId: 'u-1', action: 'document.read', outcome: 'allowed' },
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'confidant-syslog-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    server = tls.createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (socket) => socket.on('data', (c: Buffer) => received.push(c)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('delivers an octet-counted RFC 5424 message to a server whose certificate the configured CA signs', async () => {
    await deliver({ kind: 'syslog', host: 'localhost', port, tls: true, caFile: join(dir, 'cert.pem') }, [record]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const text = Buffer.concat(received).toString('utf8');
    expect(text).toMatch(/^\d+ <110>1 2026-01-06T10:00:00.000Z \S+ confidant - document\.read \[confidant@32473 index="7" outcome="allowed"\] \{"type":"audit.event"/);
  });

  it('refuses a server it cannot authenticate', async () => {
    await expect(deliver({ kind: 'syslog', host: 'localhost', port, tls: true }, [record])).rejects.toThrow();
  });
});

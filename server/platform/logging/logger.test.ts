import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { stackFrames } from '../http/error-handler.js';
import { createLogger } from './logger.js';

function logged(write: (logger: ReturnType<typeof createLogger>) => void): string {
  let out = '';
  const stream = new Writable({
    write(chunk: Buffer, _e, done) {
      out += chunk.toString();
      done();
    },
  });
  write(createLogger({ logLevel: 'info' }, stream));
  return out;
}

describe('logger redaction', () => {
  it('redacts secret fields at the top level and one level down, and secret headers anywhere', () => {
    const out = logged((log) =>
      log.info(
        {
          password: 'top-pw',
          user: { password: 'nested-pw', token: 'tok-1', name: 'kept' },
          upstream: { headers: { authorization: 'Bearer a', cookie: 'c=1', 'x-csrf-token': 'csrf-1', accept: 'json' } },
          headers: { 'set-cookie': 'confidant_session=s' },
        },
        'msg',
      ),
    );
    for (const secret of ['top-pw', 'nested-pw', 'tok-1', 'Bearer a', 'c=1', 'csrf-1', 'confidant_session=s']) expect(out).not.toContain(secret);
    expect(out).toContain('"name":"kept"');
    expect(out).toContain('"accept":"json"');
  });

  it('keeps a top-level error code but redacts a nested one-time code, and does not touch what it logs', () => {
    const input = { code: 'AUDIT_UNAVAILABLE', mfa: { code: '123456', method: 'totp' } };
    const out = JSON.parse(logged((log) => log.warn(input, 'msg'))) as Record<string, unknown>;
    expect(out.code).toBe('AUDIT_UNAVAILABLE');
    expect(out.mfa).toEqual({ code: '[redacted]', method: 'totp' });
    // The caller's object is copied, never modified.
    expect(input.mfa.code).toBe('123456');
  });

  it('logs a request as method, path without query, and id', () => {
    const out = logged((log) => log.info({ req: { method: 'GET', url: '/api/v1/matters?q=Acme', id: 'r1', headers: { authorization: 'x' } } }, 'incoming'));
    expect(JSON.parse(out).req).toEqual({ method: 'GET', path: '/api/v1/matters', id: 'r1' });
  });
});

describe('stackFrames', () => {
  it('keeps the frames and drops the header that repeats the message', () => {
    const error = new Error('client Acme\nsecond line');
    const frames = stackFrames(error.stack);
    expect(frames).not.toContain('Acme');
    expect(frames).not.toContain('second line');
    expect(frames).toMatch(/^\s+at /);
  });
});

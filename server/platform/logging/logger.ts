import pino, { type Logger } from 'pino';
import type { Config } from '../../config.js';

/**
 * Paths redacted from every log line. Client content never reaches the logger at all (routes log
 * ids only); this list is the second line of defence for credentials.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.passphrase',
  '*.token',
  '*.secret',
  '*.totp',
  '*.code',
  '*.key',
  '*.masterKey',
];

export function createLogger(config: Pick<Config, 'logLevel'>, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level: config.logLevel,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { service: 'confidant' },
      timestamp: pino.stdTimeFunctions.isoTime,
      serializers: {
        // Only method, path without query, and ids: query strings and bodies can carry input.
        req: (req: { method?: string; url?: string; id?: string }) => ({ method: req.method, path: (req.url ?? '').split('?')[0], id: req.id }),
      },
    },
    destination,
  );
}

export type { Logger };

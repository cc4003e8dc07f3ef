import pino, { type Logger } from 'pino';
import type { Config } from '../../config.js';

/**
 * Paths redacted from every log line. Client content never reaches the logger at all (routes log
 * ids only); this list is the second line of defence for credentials.
 */
const SECRET_HEADERS = ['authorization', 'cookie', '["set-cookie"]', '["x-csrf-token"]', '["proxy-authorization"]'];
const SECRET_FIELDS = ['password', 'passphrase', 'token', 'secret', 'totp', 'masterKey', 'recoveryCode'];

export const REDACT_PATHS = [
  // Headers in a hand-built log object (top level or one down). `req` needs none: its serializer
  // below keeps only method, path and id. Each path costs time on every log line, so no more.
  ...['headers', '*.headers'].flatMap((at) => SECRET_HEADERS.map((h) => `${at}${h.startsWith('[') ? '' : '.'}${h}`)),
  // Secret fields at the top of a log object and one level down (pino wildcards match one level).
  ...SECRET_FIELDS.flatMap((field) => [field, `*.${field}`]),
  '*.code',
  '*.key',
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

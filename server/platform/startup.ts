/**
 * What the server prints for a person when it starts: where to open it, what to do first, where
 * the data and the master key are, and what the audit verifier key is for — once each, as one
 * block. Request logs (JSON) go to a log file when stdout is a terminal, so they never land
 * between these lines; elsewhere (a service manager, a container) they stay on stdout.
 */
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import type { Config } from '../config.js';
import { createLogger, type Logger } from './logging/logger.js';

const LOOPBACK = new Set(['127.0.0.1', '[::1]', '::1']);
const ANY_ADDRESS = new Set(['0.0.0.0', '[::]', '::']);
const isIpAddress = (hostname: string) => /^\d{1,3}(\.\d{1,3}){3}$/.test(hostname) || hostname.startsWith('[');

export interface PersonUrl {
  /** The URL to print and to put in links (setup, invitations, mail). */
  url: string;
  /** Why the URL is not the address bound, or what does not work at it; null when nothing needs saying. */
  note: string | null;
}

/**
 * The address people should open. WebAuthn (passkeys) needs a domain name — browsers refuse it at
 * a bare IP address — so a loopback address is shown as `localhost`, a wildcard bind as
 * `localhost` with a word about PUBLIC_URL, and any other IP address with a warning.
 * `listened` is the address actually bound (its port is the real one when PORT=0).
 */
export function personUrl(config: Pick<Config, 'host' | 'port' | 'publicUrl'>, listened: string): PersonUrl {
  const url = new URL(config.publicUrl);
  const bound = new URL(listened);
  // PORT=0 (tests, scripted starts): links must carry the port actually chosen, not ":0".
  if (config.port === 0 && url.port === '0') url.port = bound.port;
  const clean = (u: URL) => u.toString().replace(/\/+$/, '');
  if (LOOPBACK.has(url.hostname)) {
    url.hostname = 'localhost';
    return { url: clean(url), note: `Listening on ${config.host} (this machine only); open it as localhost: passkeys (WebAuthn) need a name, not a bare IP address.` };
  }
  if (ANY_ADDRESS.has(url.hostname)) {
    url.hostname = 'localhost';
    return { url: clean(url), note: `Listening on every network interface (${config.host}); set PUBLIC_URL to the name people use to reach it (links and passkeys use it).` };
  }
  if (isIpAddress(url.hostname)) {
    return { url: clean(url), note: `PUBLIC_URL is a bare IP address (${url.hostname}): passkeys (WebAuthn) do not work there; give the server a domain name (DNS or hosts file) and set PUBLIC_URL to it.` };
  }
  return { url: clean(url), note: null };
}

/** Where the data lives, without credentials (a PostgreSQL URL's user and password are left out). */
export function describeStorage(config: Pick<Config, 'dataDir' | 'database' | 'blobStoreUrl'>): string {
  let database: string;
  if (config.database.kind === 'sqlite') database = `SQLite ${config.database.sqlitePath}`;
  else {
    const url = new URL(config.database.url);
    database = `PostgreSQL ${url.host}${url.pathname}`;
  }
  let blobs: string;
  if (config.blobStoreUrl.startsWith('file:')) blobs = config.blobStoreUrl.slice('file:'.length);
  else {
    const url = new URL(config.blobStoreUrl);
    blobs = `${url.protocol}//${url.host}${url.pathname}`;
  }
  return `Data: ${config.dataDir} (database: ${database}; encrypted documents: ${blobs})`;
}

export function describeMasterKey(config: Pick<Config, 'masterKey'>): string {
  switch (config.masterKey.provider) {
    case 'file':
      return `Master key: ${config.masterKey.file} — back it up apart from the database and its backups; without it nothing can be decrypted.`;
    case 'env':
      return 'Master key: from the MASTER_KEY environment variable — keep a copy apart from the database backups; without it nothing can be decrypted.';
    case 'passphrase':
      return 'Master key: protected by the master passphrase (not stored here); the instance stays sealed after each start until someone unseals it.';
  }
}

const VERIFIER_KEY_NOTE = 'Audit log verifier key:';
/** Said once, under the verifier key a module printed. */
export const VERIFIER_KEY_PURPOSE =
  '  Give it to your auditors and keep a copy off this server: with it anyone can check, without access to this server, that the signed audit checkpoints are this instance\'s and that no entry was changed or removed (`confidant audit verify`).';

export interface StartupOutput {
  config: Pick<Config, 'host' | 'port' | 'publicUrl' | 'dataDir' | 'database' | 'blobStoreUrl' | 'masterKey'>;
  url: PersonUrl;
  /** Lines the modules add (setup link, unseal link, verifier key), in module order. */
  moduleNotes: string[];
  /** The log file when logs go to one (stdout is a terminal), else null. */
  logFile: string | null;
}

/** The block printed at start, one fact per line: where to open it, what to do first, where things are. */
export function startupLines({ config, url, moduleNotes, logFile }: StartupOutput): string[] {
  const lines = [`Confidant is running at ${url.url}`];
  if (url.note) lines.push(`  ${url.note}`);
  // Links to act on first (setup, unseal); the verifier key goes with the other keys, explained.
  const verifierKey = moduleNotes.filter((line) => line.startsWith(VERIFIER_KEY_NOTE));
  lines.push(...moduleNotes.filter((line) => !line.startsWith(VERIFIER_KEY_NOTE)));
  lines.push(describeStorage(config), describeMasterKey(config));
  if (verifierKey.length > 0) lines.push(...verifierKey, VERIFIER_KEY_PURPOSE);
  if (logFile) lines.push(`Log (JSON lines): ${logFile}`);
  return lines;
}

/** The log file used while stdout is a terminal. */
export function logFilePath(config: Pick<Config, 'dataDir'>): string {
  return join(config.dataDir, 'logs', 'confidant.log');
}

/**
 * The server's logger: into `<data>/logs/confidant.log` (mode 0600, appended) when stdout is a
 * terminal — a person reads the start-up lines there — else to stdout as JSON lines, for a
 * service manager or container to collect.
 */
export function serverLogger(config: Pick<Config, 'dataDir' | 'logLevel'>, interactive: boolean): { logger: Logger; logFile: string | null } {
  if (!interactive) return { logger: createLogger(config), logFile: null };
  const logFile = logFilePath(config);
  mkdirSync(join(config.dataDir, 'logs'), { recursive: true, mode: 0o700 });
  // Created owner-only before pino opens it (pino would create it with the umask's mode).
  closeSync(openSync(logFile, 'a', 0o600));
  return { logger: createLogger(config, pino.destination({ dest: logFile, append: true, sync: true })), logFile };
}

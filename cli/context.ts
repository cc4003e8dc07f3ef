/** What every CLI command shares: config from the same settings as the server, services, output. */
import { composeModules } from '../server/modules/registry.js';
import { ConfigError, loadConfig, type Config } from '../server/config.js';
import type { AppServices } from '../server/platform/context.js';
import { createLogger } from '../server/platform/logging/logger.js';
import { closeServices, createServices } from '../server/platform/services.js';
import { personUrl } from '../server/platform/startup.js';

export interface Io {
  out(line: string): void;
  err(line: string): void;
  readStdin(): Promise<string>;
}

export const processIo: Io = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
};

/**
 * A failure the CLI reports as one line, `error CODE: message`, and a non-zero exit, without a
 * stack trace. The code is `code` when given, else a leading `CODE: ` of the message (the form
 * commands already use), else USAGE (exit 2) or FAILED.
 */
export class CliError extends Error {
  readonly code: string;
  constructor(
    message: string,
    readonly exitCode = 1,
    code?: string,
  ) {
    const prefixed = /^([A-Z][A-Z0-9_]{2,}): ([\s\S]*)$/.exec(message);
    super(code === undefined && prefixed ? prefixed[2]! : message);
    this.name = 'CliError';
    this.code = code ?? prefixed?.[1] ?? (exitCode === 2 ? 'USAGE' : 'FAILED');
  }
}

export function cliConfig(): Config {
  try {
    const config = loadConfig();
    // Links the CLI prints (invitations, resets) use the address the server shows people: localhost, not 127.0.0.1.
    config.publicUrl = personUrl(config, config.publicUrl).url;
    return config;
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(`invalid configuration: ${error.problems.join('; ')}`, 2, 'CONFIG_INVALID');
    throw error;
  }
}

/** Opens services with logs going to stderr (stdout is for the command's output). */
export async function withServices<T>(work: (services: AppServices) => Promise<T>): Promise<T> {
  const config = cliConfig();
  const services = createServices(config, { logger: createLogger({ logLevel: config.logLevel === 'info' ? 'warn' : config.logLevel }) });
  // The CLI plugs the modules into each other like the server (people checked against the directory).
  composeModules(services);
  try {
    return await work(services);
  } finally {
    await closeServices(services);
  }
}

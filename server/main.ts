/** Process entry: loadConfig → createServices → assert migrated → buildApp → listen. */
import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { assertMigrated } from './platform/db/migrate.js';
import { closeServices, createServices } from './platform/services.js';
import { personUrl, serverLogger, startupLines } from './platform/startup.js';
import { MODULES } from './modules/registry.js';

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

export interface StartServerOptions {
  /** A person is watching (stdout is a terminal): logs go to a file, not between the start-up lines. */
  interactive?: boolean;
}

export async function startServer(print: (line: string) => void = (line) => process.stdout.write(`${line}\n`), options: StartServerOptions = {}): Promise<RunningServer> {
  const config = loadConfig();
  const { logger, logFile } = serverLogger(config, options.interactive ?? process.stdout.isTTY === true);
  const services = createServices(config, { logger });
  try {
    await assertMigrated(services.database);
  } catch (error) {
    await closeServices(services);
    throw error;
  }
  const app = await buildApp(services);
  await services.jobs.start();
  const address = await app.listen({ host: config.host, port: config.port });
  // Links printed and mailed from now on use the address a person can open (localhost, real port).
  const url = personUrl(config, address);
  config.publicUrl = url.url;
  const moduleNotes: string[] = [];
  for (const module of MODULES) moduleNotes.push(...((await module.startupNotes?.(services)) ?? []));
  // One block, printed at once: nothing else is written to stdout between these lines.
  print(startupLines({ config, url, moduleNotes, logFile }).join('\n'));
  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      await app.close();
      await closeServices(services);
    })());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void close().then(() => process.exit(0)));
  return { url: url.url, close };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  startServer().catch((error: unknown) => {
    process.stderr.write(`${error instanceof ConfigError ? error.message : error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}

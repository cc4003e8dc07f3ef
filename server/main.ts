/** Process entry: loadConfig → createServices → assert migrated → buildApp → listen. */
import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { assertMigrated } from './platform/db/migrate.js';
import { closeServices, createServices } from './platform/services.js';
import { MODULES } from './modules/registry.js';

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

export async function startServer(print: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): Promise<RunningServer> {
  const config = loadConfig();
  const services = createServices(config);
  try {
    await assertMigrated(services.database);
  } catch (error) {
    await closeServices(services);
    throw error;
  }
  const app = await buildApp(services);
  await services.jobs.start();
  const address = await app.listen({ host: config.host, port: config.port });
  const url = config.port === 0 ? address : config.publicUrl;
  // PORT=0 (tests, scripted starts) without PUBLIC_URL: links printed and mailed from now on
  // must point at the port actually chosen, not at ":0".
  if (config.port === 0 && new URL(config.publicUrl).port === '0') config.publicUrl = address;
  print(`Confidant is running at ${url}`);
  for (const module of MODULES) for (const line of (await module.startupNotes?.(services)) ?? []) print(line);
  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      await app.close();
      await closeServices(services);
    })());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void close().then(() => process.exit(0)));
  return { url, close };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  startServer().catch((error: unknown) => {
    process.stderr.write(`${error instanceof ConfigError ? error.message : error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}

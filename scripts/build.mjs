// Builds the server and CLI (tsc → dist/) and the web app (vite → dist/web).
import { spawnSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';

function run(command, args) {
  const result = spawnSync(command, args, { stdio: 'inherit', shell: false });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
rmSync('dist', { recursive: true, force: true });
run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json']);
cpSync('server/platform/db/migrations/manifest.json', 'dist/server/platform/db/migrations/manifest.json');
// The incident regimes' rule files (notification deadlines as data), read at start.
cpSync('server/modules/incidents/regimes', 'dist/server/modules/incidents/regimes', { recursive: true });
cpSync('server/modules/incidents/templates', 'dist/server/modules/incidents/templates', { recursive: true });
run(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn']);

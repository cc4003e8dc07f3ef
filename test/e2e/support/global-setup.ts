/**
 * Browser specs run the built server (dist/). Before they start, rebuild when any source file is
 * newer than the build, so a spec never tests stale code. After `npm ci` (which builds through
 * the `prepare` script) nothing is rebuilt. Set E2E_SKIP_BUILD=1 to run against dist/ as it is.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './server.js';

const SOURCES = ['server', 'cli', 'common', 'web/src', 'web/index.html', 'web/vite.config.ts'];

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return /\.test\.tsx?$/.test(path) ? 0 : stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

export function isBuildStale(root: string = REPO_ROOT): boolean {
  const built = join(root, 'dist', 'cli', 'main.js');
  const web = join(root, 'dist', 'web', 'index.html');
  if (!existsSync(built) || !existsSync(web)) return true;
  const builtAt = Math.min(statSync(built).mtimeMs, statSync(web).mtimeMs);
  return SOURCES.some((source) => existsSync(join(root, source)) && newestMtime(join(root, source)) > builtAt);
}

export default function setup(): void {
  if (process.env.E2E_SKIP_BUILD === '1' || !isBuildStale()) return;
  process.stdout.write('dist/ is older than the sources: running `npm run build` before the browser tests\n');
  const result = spawnSync('npm', ['run', 'build'], { cwd: REPO_ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('`npm run build` failed: the browser tests need a built server and web app');
}

/**
 * Loaded into the server under test with NODE_OPTIONS=--import (soak only): every
 * HEAP_SAMPLE_SECONDS it runs a full garbage collection and appends the live heap and RSS to
 * HEAP_SAMPLES_FILE as JSON lines. RSS alone swings by tens of MiB with argon2id's per-hash
 * memory in the thread pool; the heap after a full collection is what grows when something leaks.
 */
import { appendFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const file = process.env.HEAP_SAMPLES_FILE;
if (file) {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc');
  const started = Date.now();
  const every = Number(process.env.HEAP_SAMPLE_SECONDS || 10) * 1000;
  setInterval(() => {
    gc();
    const m = process.memoryUsage();
    appendFileSync(file, `${JSON.stringify({ t: (Date.now() - started) / 1000, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers, rss: m.rss })}\n`);
  }, every).unref();
}

// Regenerates server/platform/db/migrations/manifest.json from the migration sources.
// Run after adding a migration; a test fails when the manifest is out of date.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { computeManifest, MIGRATIONS_DIR } from '../server/platform/db/migrate.js';

writeFileSync(join(MIGRATIONS_DIR, 'manifest.json'), `${JSON.stringify(computeManifest(), null, 2)}\n`);
process.stdout.write('manifest.json updated\n');

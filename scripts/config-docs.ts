/**
 * Generates docs/configuration.md from SETTINGS in server/config.ts, so the documentation cannot
 * drift from what the code reads. `npm run docs:config` rewrites it; `-- --check` exits 1 when
 * it is stale (a test does the same).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEFAULT_ALERT_RULES, DEFAULT_AUDIT_CONFIG, SETTINGS } from '../server/config.js';

export const CONFIGURATION_DOC = fileURLToPath(new URL('../docs/configuration.md', import.meta.url));

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderConfigurationDoc(): string {
  const rows = SETTINGS.map((s) => `| \`${s.name}\` | ${cell(s.description)} | ${s.default.startsWith('(') ? s.default : `\`${cell(s.default)}\``} |`);
  return `<!-- Generated from SETTINGS in server/config.ts by \`npm run docs:config\`. Do not edit by hand. -->
# Configuration

Confidant reads its settings in one place (\`server/config.ts\`) when the server or a CLI command
starts: environment variables for everything an operator usually sets, plus an optional JSON
configuration file for structured settings. Every value is validated together; a bad value stops
startup and **every** problem is printed at once, e.g.

\`\`\`
Invalid configuration:
  - PORT must be a whole number from 0 to 65535 (got "eighty")
  - MASTER_KEY is required when MASTER_KEY_PROVIDER=env
\`\`\`

The server and the CLI (\`confidant init\`, \`migrate\`, \`doctor\`, …) find the same instance
through the same \`CONFIDANT_DATA_DIR\` / \`DATABASE_URL\`. \`confidant doctor\` checks the
configuration and the instance without changing them (it only writes and removes a probe file to
test the blob store). Relative paths are resolved from the
working directory.

## Environment variables

| Variable | Meaning | Default |
| --- | --- | --- |
${rows.join('\n')}

Standard variables read by libraries: \`AWS_ACCESS_KEY_ID\`, \`AWS_SECRET_ACCESS_KEY\`,
\`AWS_REGION\` (or an instance role) for an \`s3://\` blob store.

### Embedded default and scale-out

With nothing set, \`npm start\` keeps everything under \`./data\`: the SQLite database
(\`confidant.db\`, WAL), encrypted blobs (\`blobs/\`), keys (\`keys/\`, mode 0600 files in a 0700
folder) and the mail outbox (\`outbox/\`). For several nodes set \`DATABASE_URL=postgres://…\`
(jobs then run on pg-boss in the same database) and \`BLOB_STORE_URL=s3://…\`; see
[operations](operations.md).

## Configuration file

\`CONFIDANT_CONFIG_FILE\` (default \`$CONFIDANT_DATA_DIR/confidant.json\` when it exists) is a JSON
object. It holds what does not fit an environment variable and what must never be changeable
through the API. \`server/config.ts\` parses and validates it with the environment variables:
an unknown section or setting name, a value of the wrong type or out of range is a problem like
any other, reported with the rest, and start-up stops (nothing falls back to a default in
silence). Settings left out take the defaults given in [audit](audit.md). Sections:

### \`auditSinks\` — copies of every audit event outside the database

A list; each entry is one of:

| kind | fields | what it does |
| --- | --- | --- |
| \`jsonl\` | \`path\` | appends one JSON line per event to a local file |
| \`syslog\` | \`host\`, \`port\`, \`tls\` (bool, optional), \`caFile\` (optional) | sends RFC 5424 syslog over TCP (TLS when \`tls\`) |
| \`webhook\` | \`url\`, \`secret\` (≥ 16 characters) | POSTs events, signed with HMAC-SHA-256 using \`secret\` |

### \`alertRules\` — thresholds of the access-pattern alerts

An object keyed by rule, each with its own fields; a rule or field left out keeps its default. A
rule or field name that does not exist, a boolean field that is not \`true\`/\`false\`, or a
number field that is not a number (negative too, except \`utcOffsetMinutes\`) stops start-up;
see [audit](audit.md) for what each rule does. The rules, their fields and their defaults:

\`\`\`json
{
${Object.entries(DEFAULT_ALERT_RULES).map(([name, rule]) => `  ${JSON.stringify(name)}: ${JSON.stringify(rule)}`).join(',\n')}
}
\`\`\`

### \`audit\` — audit log intervals and recipients

\`checkpointIntervalSeconds\`, \`verifyIntervalMinutes\`, \`monitorIntervalSeconds\`,
\`sinkIntervalSeconds\`, \`alertDigestSeconds\` (how long the first alert of a burst waits for
the rest before one digest mail goes out) (positive numbers), \`complianceEmail\`, \`witnessFile\` (text),
\`mailCheckpoints\` (true or false), \`origin\` (a C2SP checkpoint origin: no whitespace, no
\`+\`; default \`<PUBLIC_URL host>/confidant-audit\`); see [audit](audit.md). Defaults:

\`\`\`json
${JSON.stringify(DEFAULT_AUDIT_CONFIG)}
\`\`\`

No other section is read: a module that needs one declares it in \`server/config.ts\`, which
parses it into a typed field of the configuration.

### Example

\`\`\`json
{
  "auditSinks": [
    { "kind": "jsonl", "path": "/var/log/confidant/audit.jsonl" },
    { "kind": "syslog", "host": "siem.firm.example", "port": 6514, "tls": true }
  ],
  "alertRules": { "bulk_download": { "threshold": 100, "windowMinutes": 15 } },
  "audit": { "complianceEmail": "compliance@firm.example" }
}
\`\`\`
`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const expected = renderConfigurationDoc();
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(CONFIGURATION_DOC, 'utf8');
    } catch {
      // missing counts as stale
    }
    if (current !== expected) {
      process.stderr.write('docs/configuration.md is stale: run `npm run docs:config`\n');
      process.exit(1);
    }
  } else {
    writeFileSync(CONFIGURATION_DOC, expected);
    process.stdout.write('Wrote docs/configuration.md\n');
  }
}

/**
 * The evidence pack: one signed ZIP for an auditor or a regulator. It holds every register and
 * report (CSV and PDF), the policies with their acknowledgement status, the latest signed audit
 * checkpoint with a verification of the log run now, the backup and drill record, and the
 * posture findings when a posture provider is installed; `manifest.json` lists every file's
 * SHA-256 and size, `signature.json` is an Ed25519 signature of the manifest (RFC 8785) by the
 * audit key — checkable offline with `confidant compliance verify-evidence`.
 */
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { requireAccess } from '../../access/index.js';
import { checkDetachedSignature, latestCheckpoint, recordEvent, signDetached, verifyLog, type DetachedSignature } from '../../audit/index.js';
import { readZip, zipStore, ZipFormatError, type ZipEntry } from '../../platform/archive/zip.js';
import type { RequestContext } from '../../platform/context.js';
import { tableCsv, tablePdf } from '../../platform/reports/tables.js';
import { postureReport, postureTrend } from '../posture/index.js';
import { REGISTER_NAMES } from './evidence.schemas.js';
import { registerTable } from './registers.service.js';

export const EVIDENCE_FORMAT = 'confidant-evidence/v1';
export const EVIDENCE_PURPOSE = 'compliance.evidence';
const FIRM = { kind: 'firm' } as const;

export interface EvidenceManifest {
  format: typeof EVIDENCE_FORMAT;
  firm: string;
  createdAt: string;
  createdBy: string;
  files: { path: string; sha256: string; size: number }[];
  /** Parts that could not be produced for this caller (e.g. a register their role may not read), with the reason code. */
  omitted: { path: string; reason: string }[];
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const json = (value: unknown) => Buffer.from(`${JSON.stringify(value, null, 2)}\n`, 'utf8');

const README = `Confidant evidence pack

manifest.json   every file of this pack with its SHA-256 and size
signature.json  an Ed25519 signature of manifest.json (RFC 8785 canonical JSON) by the firm's
                audit key; its public key is GET /api/v1/audit/public-key of the instance
Verify offline: confidant compliance verify-evidence PACK.zip --key "<verifier key>"

registers/      registers and reports, each as CSV and PDF
audit/          the latest signed checkpoint of the audit log and a verification of the whole log
                run when the pack was made
posture/        the posture score and findings when the pack was made, and its daily trend
`;

/**
 * Builds the pack (compliance.manage, with a fresh second factor in a session): audited
 * (`compliance.evidence.create`). Returns the ZIP and its manifest.
 */
export async function buildEvidencePack(ctx: RequestContext): Promise<{ zip: Buffer; manifest: EvidenceManifest; filename: string }> {
  await requireAccess(ctx, 'compliance.manage', FIRM, { stepUp: true });
  const now = new Date(ctx.app.clock.now());
  const entries: ZipEntry[] = [{ path: 'README.txt', bytes: Buffer.from(README, 'utf8') }];
  const omitted: EvidenceManifest['omitted'] = [];
  for (const name of REGISTER_NAMES) {
    try {
      const table = await registerTable(ctx, name);
      entries.push({ path: `registers/${name}.csv`, bytes: Buffer.from(tableCsv(table), 'utf8') });
      entries.push({ path: `registers/${name}.pdf`, bytes: await tablePdf(table, now) });
    } catch (error) {
      omitted.push({ path: `registers/${name}`, reason: (error as { code?: string }).code ?? 'ERROR' });
    }
  }
  const checkpoint = await latestCheckpoint(ctx.app);
  entries.push({ path: 'audit/checkpoint.json', bytes: json(checkpoint ?? { none: 'no checkpoint signed yet' }) });
  const verification = await verifyLog(ctx.app, {});
  entries.push({ path: 'audit/verification.json', bytes: json({ verifiedAt: now.toISOString(), ok: verification.ok, events: verification.events, root: verification.root, checkpointsChecked: verification.checkpointsChecked, firstBadIndex: verification.firstBadIndex, problems: verification.problems }) });
  try {
    entries.push({ path: 'posture/findings.json', bytes: json(await postureReport(ctx)) });
    entries.push({ path: 'posture/trend.json', bytes: json(await postureTrend(ctx, 365)) });
  } catch (error) {
    omitted.push({ path: 'posture', reason: (error as { code?: string }).code ?? 'ERROR' });
  }
  const manifest: EvidenceManifest = {
    format: EVIDENCE_FORMAT,
    firm: ctx.app.config.retention.firmName,
    createdAt: now.toISOString(),
    createdBy: ctx.actor.kind === 'user' ? ctx.actor.userId : `system:${ctx.actor.kind === 'system' ? ctx.actor.name : 'unknown'}`,
    files: entries.map((e) => ({ path: e.path, sha256: sha256(e.bytes), size: e.bytes.length })),
    omitted,
  };
  const manifestBytes = Buffer.from(canonicalize(manifest) ?? '', 'utf8');
  const signature = signDetached(ctx.app, EVIDENCE_PURPOSE, manifestBytes);
  const zip = zipStore([...entries, { path: 'manifest.json', bytes: json(manifest) }, { path: 'signature.json', bytes: json(signature) }], now);
  await recordEvent(ctx, { action: 'compliance.evidence.create', outcome: 'allowed', resources: { other: { type: 'evidence_pack', id: sha256(zip).slice(0, 32) } } });
  return { zip, manifest, filename: `evidence-${now.toISOString().slice(0, 10)}.zip` };
}

export interface EvidenceCheck {
  ok: boolean;
  /** `given`: the verifier key was passed in; `self-declared`: only the key the signature names (proves integrity, not origin). */
  trust: 'given' | 'self-declared';
  files: number;
  createdAt: string | null;
  firm: string | null;
  problems: string[];
}

/** Checks a pack offline: the ZIP, every file against the manifest, nothing extra, the signature. */
export function verifyEvidencePack(zip: Buffer, verifierKey?: string): EvidenceCheck {
  const problems: string[] = [];
  let entries: Map<string, Buffer>;
  try {
    entries = readZip(zip);
  } catch (error) {
    return { ok: false, trust: verifierKey ? 'given' : 'self-declared', files: 0, createdAt: null, firm: null, problems: [error instanceof ZipFormatError ? error.message : 'not a readable ZIP'] };
  }
  let manifest: EvidenceManifest | null = null;
  let signature: DetachedSignature | null = null;
  try {
    manifest = JSON.parse(entries.get('manifest.json')?.toString('utf8') ?? '') as EvidenceManifest;
    signature = JSON.parse(entries.get('signature.json')?.toString('utf8') ?? '') as DetachedSignature;
  } catch {
    problems.push('manifest.json or signature.json is missing or not JSON');
  }
  if (manifest && manifest.format !== EVIDENCE_FORMAT) problems.push(`not a ${EVIDENCE_FORMAT} manifest`);
  if (manifest && signature && problems.length === 0) {
    const key = verifierKey ?? signature.verifierKey;
    const check = checkDetachedSignature(signature, EVIDENCE_PURPOSE, Buffer.from(canonicalize(manifest) ?? '', 'utf8'), typeof key === 'string' ? key : '');
    if (!check.ok) problems.push(`signature: ${check.detail}`);
    const listed = new Set<string>(['manifest.json', 'signature.json']);
    for (const file of Array.isArray(manifest.files) ? manifest.files : []) {
      listed.add(file.path);
      const bytes = entries.get(file.path);
      if (!bytes) problems.push(`${file.path} is listed but missing`);
      else if (bytes.length !== file.size || sha256(bytes) !== file.sha256) problems.push(`${file.path} does not match its SHA-256`);
    }
    for (const path of entries.keys()) if (!listed.has(path)) problems.push(`${path} is not in the manifest`);
  }
  return { ok: problems.length === 0, trust: verifierKey ? 'given' : 'self-declared', files: manifest?.files?.length ?? 0, createdAt: manifest?.createdAt ?? null, firm: manifest?.firm ?? null, problems };
}


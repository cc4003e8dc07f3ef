import { createHash, generateKeyPairSync, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashLeaf, proveEvent, recordEvent, signDetached } from '../../audit/index.js';
import { DIALECTS } from '../../test-support/dialects.js';
import { buildUser } from '../../test-support/factories.js';
import { createTestInstance, type TestInstance } from '../../test-support/test-instance.js';
import { backupsStatement, CERTIFICATE_CHECKS, CERTIFICATE_PURPOSE, certificatePayload, issueCertificate, verifyCertificate, type CheckName, type DestructionRecord, type SignedCertificate } from './certificate.js';
import { renderCertificatePdf } from './certificate.pdf.js';
import { renderEndOfEngagementLetter } from './letter.pdf.js';

const T0 = Date.UTC(2031, 2, 14, 9, 30);
const SHA_A = createHash('sha256').update('ciphertext a').digest('hex');
const SHA_B = createHash('sha256').update('ciphertext b').digest('hex');

function record(clientId: string, index: number | null, overrides: Partial<DestructionRecord> = {}): DestructionRecord {
  return {
    certificateId: randomUUID(),
    issuedAt: T0 + 60_000,
    client: { id: clientId, number: 'C-0042', terminated: true },
    scope: 'client',
    items: [
      { type: 'document', id: randomUUID(), parentId: randomUUID(), sha256: SHA_A, size: 1234, keyId: 'client-key-1' },
      { type: 'document_version', id: randomUUID(), sha256: SHA_B, size: 99 },
      { type: 'note', id: randomUUID() },
    ],
    keys: [{ type: 'client_key', ids: ['client-key-1', 'client-key-2'] }],
    schedule: { id: randomUUID(), name: 'Client files: 6 years after the engagement ends', trigger: 'client.terminated', periodDays: 2190, action: 'destroy' },
    approvals: [
      { userId: randomUUID(), name: 'Ada Compliance', at: T0 - 86_400_000 },
      { userId: randomUUID(), name: 'Ben Partner', at: T0 - 3_600_000 },
    ],
    executedAt: T0,
    tombstone: { matterNumber: 'M-2025-0007', closedAt: T0 - 2190 * 86_400_000, openedAt: null },
    keyDestructionEventIndex: index,
    masterKeyRotated: true,
    ...overrides,
  };
}

/** An Ed25519 verifier key string of a key nobody at the firm has, under the firm's key name. */
function foreignVerifierKey(keyName: string): string {
  const { publicKey } = generateKeyPairSync('ed25519');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
  const id = createHash('sha256').update(keyName).update(Buffer.from([0x0a, 0x01])).update(raw).digest().subarray(0, 4);
  return `${keyName}+${id.toString('hex')}+${Buffer.concat([Buffer.from([0x01]), raw]).toString('base64')}`;
}

const copy = (cert: SignedCertificate): SignedCertificate => JSON.parse(JSON.stringify(cert)) as SignedCertificate;
const failed = (result: ReturnType<typeof verifyCertificate>) => result.checks.filter((c) => !c.ok).map((c) => c.check);

/** The text pdfkit draws, from an uncompressed PDF: the hex strings of each TJ, decoded (WinAnsi ≈ latin1). */
function pdfText(pdf: Buffer): string {
  const lines: string[] = [];
  for (const match of pdf.toString('latin1').matchAll(/\[([^\]]*)\] TJ/g)) lines.push([...match[1]!.matchAll(/<([0-9a-f]*)>/g)].map((m) => Buffer.from(m[1]!, 'hex').toString('latin1')).join(''));
  return lines.join('\n');
}

describe.each(DIALECTS)('certificate of destruction on %s', (dialect) => {
  let instance: TestInstance;
  let clientId: string;
  let destroyIndex: number;
  let verifierKey: string;
  let cert: SignedCertificate;

  beforeAll(async () => {
    instance = await createTestInstance(dialect);
    clientId = randomUUID();
    const system = instance.system('retention.disposition');
    for (let i = 0; i < 5; i++) await recordEvent(system, { action: 'document.read', outcome: 'allowed', resources: { clientId, documentId: randomUUID() } });
    destroyIndex = (await recordEvent(system, { action: 'key.shred', outcome: 'allowed', resources: { clientId } })).index;
    for (let i = 0; i < 3; i++) await recordEvent(system, { action: 'document.read', outcome: 'allowed', resources: { clientId: randomUUID() } });
    const admin = await buildUser(instance, { role: 'attorney' });
    verifierKey = ((await instance.app.inject({ method: 'GET', url: '/api/v1/audit/public-key', headers: admin.headers })).json() as { verifierKey: string }).verifierKey;
    cert = await issueCertificate(instance.services, record(clientId, destroyIndex));
  });
  afterAll(async () => {
    await instance?.close();
  });

  it('issues a certificate that verifies offline against the published verifier key, every check passing', () => {
    expect(cert.signature.verifierKey).toBe(verifierKey);
    expect(cert.signature.algorithm).toBe('Ed25519');
    expect(cert.certificate.format).toBe('confidant-destruction-certificate/v1');
    expect(cert.certificate.audit?.index).toBe(destroyIndex);
    expect(cert.certificate.audit!.checkpoint.size).toBeGreaterThan(destroyIndex);
    expect(JSON.parse(cert.certificate.audit!.leaf)).toMatchObject({ action: 'key.shred', clientId, index: destroyIndex, actorType: 'system' });
    const result = verifyCertificate(cert, { verifierKey });
    expect(result.checks.map((c) => c.check)).toEqual([...CERTIFICATE_CHECKS]);
    expect(failed(result)).toEqual([]);
    expect(result.valid).toBe(true);
    // What a client saves and later checks: the JSON file's text.
    expect(verifyCertificate(JSON.parse(JSON.stringify(cert, null, 2)), { verifierKey }).valid).toBe(true);
  });

  it('proves an event at the oldest checkpoint covering it, signing one only when none does; refuses an index beyond the log', async () => {
    const again = await proveEvent(instance.services, destroyIndex);
    expect(again.checkpoint).toEqual(cert.certificate.audit!.checkpoint);
    expect(hashLeaf(Buffer.from(again.leaf, 'utf8')).toString('base64')).toBe(again.leafHash);
    const late = (await recordEvent(instance.system('retention.disposition'), { action: 'key.destroy', outcome: 'allowed', resources: { clientId } })).index;
    const proven = await proveEvent(instance.services, late);
    expect(proven.checkpoint.size).toBe(late + 1);
    await expect(proveEvent(instance.services, late + 1000)).rejects.toMatchObject({ code: 'AUDIT_RANGE_INVALID' });
    await expect(proveEvent(instance.services, -1)).rejects.toMatchObject({ code: 'AUDIT_RANGE_INVALID' });
  });

  it('signs the domain-separated canonical JSON: the signature does not verify as another purpose', () => {
    const payload = certificatePayload(cert.certificate);
    expect(payload.toString('utf8')).not.toContain('\n  ');
    const other = signDetached(instance.services, 'something-else', payload);
    expect(other.signature).not.toBe(cert.signature.signature);
    expect(verifyCertificate({ ...cert, signature: other }, { verifierKey }).valid).toBe(false);
    expect(signDetached(instance.services, CERTIFICATE_PURPOSE, payload).signature).toBe(cert.signature.signature);
    expect(() => signDetached(instance.services, 'two\nlines', payload)).toThrow(/purpose/);
  });

  // Each tamper fails its named check. Unsigned, the signature fails as well; re-signed with the
  // firm's own key (a firm that issues a false certificate), the named check still fails.
  const tampers: { what: string; check: CheckName; resignable: boolean; change: (c: SignedCertificate) => void }[] = [
    { what: "an item's sha256", check: 'signature', resignable: false, change: (c) => void (c.certificate.items[0]!.sha256 = SHA_B) },
    { what: 'the client id', check: 'key destruction event', resignable: true, change: (c) => void (c.certificate.client.id = randomUUID()) },
    {
      what: 'a proof hash',
      check: 'inclusion proof',
      resignable: true,
      change: (c) => {
        const proof = c.certificate.audit!.inclusionProof;
        proof[0] = createHash('sha256').update(proof[0]!).digest('base64');
      },
    },
    {
      what: 'the checkpoint note',
      check: 'checkpoint signature',
      resignable: true,
      change: (c) => {
        const a = c.certificate.audit!;
        a.checkpoint.note = a.checkpoint.note.replace(`\n${a.checkpoint.size}\n`, `\n${a.checkpoint.size + 1}\n`);
      },
    },
    {
      what: "the leaf's action",
      check: 'key destruction event',
      resignable: true,
      change: (c) => {
        const a = c.certificate.audit!;
        a.leaf = a.leaf.replace('"action":"key.shred"', '"action":"document.read"');
        a.leafHash = hashLeaf(Buffer.from(a.leaf, 'utf8')).toString('base64');
      },
    },
    {
      what: 'the leaf text alone',
      check: 'leaf hash',
      resignable: true,
      change: (c) => void (c.certificate.audit!.leaf = c.certificate.audit!.leaf.replace('"action":"key.shred"', '"action":"key.destroy"')),
    },
    { what: 'the format', check: 'format', resignable: true, change: (c) => void ((c.certificate as { format: string }).format = 'confidant-destruction-certificate/v0') },
    { what: 'the cited event index', check: 'format', resignable: true, change: (c) => void (c.certificate.keyDestructionEventIndex = destroyIndex + 1) },
  ];

  it.each(tampers)('a tampered certificate ($what) fails its check', ({ check, resignable, change }) => {
    const tampered = copy(cert);
    change(tampered);
    const result = verifyCertificate(tampered, { verifierKey });
    expect(result.valid).toBe(false);
    expect(failed(result)).toContain(check);
    expect(failed(result)).toContain('signature');
    expect(result.checks.find((c) => c.check === check)!.detail).not.toBe('');
    if (!resignable) return;
    const resigned = { ...tampered, signature: signDetached(instance.services, CERTIFICATE_PURPOSE, certificatePayload(tampered.certificate)) };
    const again = verifyCertificate(resigned, { verifierKey });
    expect(again.valid).toBe(false);
    expect(failed(again)).toContain(check);
    expect(failed(again)).not.toContain('signature');
  });

  it('fails the signature and the checkpoint under any other verifier key', () => {
    const other = foreignVerifierKey(cert.signature.keyName);
    const result = verifyCertificate(cert, { verifierKey: other });
    expect(result.valid).toBe(false);
    expect(failed(result)).toEqual(['signature', 'checkpoint signature']);
    expect(verifyCertificate(cert, { verifierKey: 'not a key' }).valid).toBe(false);
  });

  it('rejects what is not a certificate without throwing', () => {
    for (const file of [null, 42, 'text', {}, { certificate: {} }, { certificate: cert.certificate }, { signature: cert.signature }]) {
      const result = verifyCertificate(file, { verifierKey });
      expect(result.valid).toBe(false);
      expect(failed(result)).toContain('format');
    }
  });

  it('refuses to issue a certificate citing an event that is not the key destruction of this client', async () => {
    const system = instance.system('retention.disposition');
    const read = (await recordEvent(system, { action: 'document.read', outcome: 'allowed', resources: { clientId } })).index;
    await expect(issueCertificate(instance.services, record(clientId, read))).rejects.toThrow(/key destruction event/);
    const denied = (await recordEvent(system, { action: 'key.destroy', outcome: 'denied', reason: 'LEGAL_HOLD', resources: { clientId } })).index;
    await expect(issueCertificate(instance.services, record(clientId, denied))).rejects.toThrow(/outcome/);
    await expect(issueCertificate(instance.services, record(randomUUID(), destroyIndex))).rejects.toThrow(/client/);
    await expect(issueCertificate(instance.services, record(clientId, null))).rejects.toThrow(/physical record/);
  });

  it('certifies a physical record with no key, its audit checks not applicable', async () => {
    const physical = await issueCertificate(
      instance.services,
      record(clientId, null, {
        scope: 'record',
        items: [{ type: 'record', id: randomUUID() }],
        keys: [],
        physical: { method: 'shred', witness: { userId: randomUUID(), name: 'Cy Witness' }, destroyedAt: T0 },
      }),
    );
    expect(physical.certificate.audit).toBeNull();
    const result = verifyCertificate(physical, { verifierKey });
    expect(result.valid).toBe(true);
    expect(result.checks.find((c) => c.check === 'inclusion proof')!.detail).toMatch(/not applicable/);
    expect(physical.certificate.backups).toMatch(/physical record/);
    // A physical-record certificate cannot be used to drop the proof of an electronic one.
    const stripped = copy(cert);
    stripped.certificate.audit = null;
    expect(failed(verifyCertificate(stripped, { verifierKey }))).toEqual(expect.arrayContaining(['format', 'inclusion proof']));
  });

  it('states what backups hold, by scope and master key rotation', async () => {
    const partial = await issueCertificate(instance.services, record(clientId, destroyIndex, { scope: 'document', keys: [{ type: 'object_key', ids: ['ok-1'] }], masterKeyRotated: false }));
    expect(verifyCertificate(partial, { verifierKey }).valid).toBe(true);
    expect(cert.certificate.backups).toMatch(/client’s data keys \(every version\), which were destroyed/);
    expect(cert.certificate.backups).toMatch(/master key was rotated after the destruction/);
    expect(partial.certificate.backups).toMatch(/per-object keys, which were destroyed/);
    expect(partial.certificate.backups).toMatch(/names and titles/);
    expect(partial.certificate.backups).toMatch(/until those backups expire/);
    expect(partial.certificate.backups).toMatch(/had not been rotated/);
    expect(backupsStatement({ scope: 'matter', masterKeyRotated: true, keyDestructionEventIndex: 3, executedAt: T0 })).not.toBe(backupsStatement({ scope: 'client', masterKeyRotated: true, keyDestructionEventIndex: 3, executedAt: T0 }));
  });

  it('renders a readable, deterministic A4 PDF of the certificate', async () => {
    const pdf = await renderCertificatePdf(cert, { compress: false });
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.toString('latin1')).toContain(`Certificate of destruction ${cert.certificate.certificateId}`);
    expect(pdf.toString('latin1')).toMatch(/\/MediaBox \[0 0 595\.28 841\.89\]/);
    const text = pdfText(pdf);
    for (const expected of ['Certificate of destruction', cert.certificate.certificateId, 'C-0042', SHA_A, SHA_B, cert.certificate.items[0]!.id, 'client-key-2', 'Ada Compliance', new Date(T0).toISOString(), `index ${destroyIndex}`, cert.certificate.audit!.checkpoint.root, 'M-2025-0007', 'verify-certificate certificate.json --key', '/api/v1/audit/public-key']) {
      expect(text).toContain(expected);
    }
    expect((await renderCertificatePdf(cert, { compress: false })).equals(pdf)).toBe(true);
    const compressed = await renderCertificatePdf(cert);
    expect(compressed.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(compressed.length).toBeLessThan(pdf.length);
  });
});

describe('end-of-engagement letter', () => {
  it('says what is kept, for how long and why, what will be destroyed and when, and the client’s rights', async () => {
    const input = {
      firmName: 'Example & Partners LLP',
      clientName: 'Jane Client',
      clientNumber: 'C-0042',
      endedAt: T0,
      matters: [
        { number: 'M-2025-0007', closedAt: T0 - 86_400_000 },
        { number: 'M-2026-0001', closedAt: null },
      ],
      kept: [{ what: 'Your client file and correspondence', until: Date.UTC(2037, 2, 14), why: 'professional conduct rules require us to keep client files for six years' }],
      destroyAfter: [{ what: 'Your client file and correspondence', on: Date.UTC(2037, 2, 15) }],
      anonymise: true,
      contact: 'privacy@example.com',
    };
    const pdf = await renderEndOfEngagementLetter(input, { compress: false });
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const text = pdfText(pdf).replace(/\s+/g, ' ');
    for (const expected of ['Jane Client', 'Client number C-0042', '14 March 2031', 'M-2025-0007', 'until 14 March 2037', 'six years', 'on 15 March 2037', 'export', 'client portal', 'correct', 'erase', 'where the law allows', 'supervisory authority', 'certificate of destruction', 'privacy@example.com', 'anonymised']) {
      expect(text).toContain(expected);
    }
    expect((await renderEndOfEngagementLetter(input, { compress: false })).equals(pdf)).toBe(true);
    const named = pdfText(await renderEndOfEngagementLetter({ ...input, anonymise: false, kept: [], destroyAfter: [] }, { compress: false })).replace(/\s+/g, ' ');
    expect(named).not.toContain('anonymised');
    expect(named).toContain('No destruction is scheduled');
  });
});

/**
 * Legal holds through the vault's hook (`provides.vault.heldItems`, owned by the retention module):
 * a test-only module provides a hold we switch on and off. Every edit or removal of a held
 * document or note is refused with 409 LEGAL_HOLD — asked inside the write's transaction, audited
 * as a denial — views show `legalHold` and hide the controls (one hook call per list), and all is
 * allowed again once the hook says no.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfidantModule } from '../../platform/module.js';
import { composeModules, MODULES } from '../registry.js';
import { DIALECTS } from '../../test-support/dialects.js';
import { buildDocument, buildMatter, buildUser, type BuiltMatter, type BuiltUser } from '../../test-support/factories.js';
import { createTestInstance, type TestInstance } from '../../test-support/test-instance.js';
import type { HeldItem } from './index.js';

interface HookCall {
  where: { clientId: string; matterId: string };
  items: HeldItem[];
  inTransaction: boolean;
}

describe.each(DIALECTS)('legal holds through the vault hook on %s', (dialect) => {
  let instance: TestInstance;
  let lead: BuiltUser;
  let matter: BuiltMatter;
  const held = new Set<string>();
  const calls: HookCall[] = [];

  // A test-only module: holds whatever `held` names.
  const holdsModule: ConfidantModule = {
    name: 'test-holds',
    provides: {
      vault: {
        heldItems: async (tx, where, items) => {
          calls.push({ where, items, inTransaction: tx.db.isTransaction });
          return new Set(items.filter((item) => held.has(item.id)).map((item) => item.id));
        },
      },
    },
  };

  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown, user: BuiltUser = lead) =>
    instance.app.inject({ method, url: `/api/v1${url}`, headers: user.headers, ...(payload !== undefined ? { payload: payload as string } : {}) });
  const addVersion = (documentId: string, content: string) => instance.app.inject({ method: 'POST', url: `/api/v1/documents/${documentId}/versions`, headers: { ...lead.headers, 'content-type': 'application/octet-stream' }, payload: Buffer.from(content) });
  const denials = (action: string) =>
    instance.services.database.db.selectFrom('audit_event').select(['outcome', 'reason', 'client_id', 'matter_id', 'document_id', 'other_id']).where('action', '=', action).where('outcome', '=', 'denied').execute();
  const blobCount = () => {
    const root = instance.config.blobStoreUrl.slice('file:'.length);
    const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [e.name]));
    return walk(root).filter((name) => name.endsWith('-doc')).length;
  };

  beforeAll(async () => {
    instance = await createTestInstance(dialect);
    // The composition root installs every module's provisions; add the test-only one.
    composeModules(instance.services, [...MODULES, holdsModule]);
    lead = await buildUser(instance, { role: 'attorney' });
    matter = await buildMatter(instance, { lead });
  });
  afterAll(async () => instance?.close());

  it('refuses every edit and removal of a held document or note with 409 LEGAL_HOLD, audited, and allows them again once released', async () => {
    const document = await buildDocument(instance, { matter, name: 'Held.txt', content: 'held content' });
    const note = (await call('POST', `/matters/${matter.id}/notes`, { title: 'Held note', body: 'body' })).json() as { id: string; revision: number };
    held.add(document.id);
    held.add(note.id);
    try {
      calls.length = 0;
      const blobs = blobCount();
      const refusals: [string, Awaited<ReturnType<typeof call>>][] = [
        ['document.rename', await call('PATCH', `/documents/${document.id}`, { name: 'Renamed.txt' })],
        ['document.reclassify', await call('PATCH', `/documents/${document.id}`, { classification: 'internal' })],
        ['document.version', await addVersion(document.id, 'a new version')],
        ['document.trash', await call('POST', `/documents/${document.id}/trash`)],
        ['note.updated', await call('PATCH', `/notes/${note.id}`, { body: 'changed', revision: note.revision })],
        ['note.deleted', await call('DELETE', `/notes/${note.id}`)],
      ];
      for (const [action, response] of refusals) {
        expect(response.statusCode, `${action}: ${response.body}`).toBe(409);
        expect(response.json().error.code, action).toBe('LEGAL_HOLD');
        // Content-free: neither the name nor the note's text.
        expect(response.body).not.toMatch(/Held/);
        const denied = await denials(action);
        expect(denied, action).toHaveLength(1);
        expect(denied[0], action).toMatchObject({ reason: 'LEGAL_HOLD', client_id: matter.clientId, matter_id: matter.id });
      }
      expect((await denials('document.rename'))[0]!.document_id).toBe(document.id);
      expect((await denials('note.deleted'))[0]!.other_id).toBe(note.id);
      // The refused version left no blob behind.
      expect(blobCount()).toBe(blobs);
      // The hook is asked inside each write's transaction, about the item and its custodian.
      // (A new version is asked before its upload too, outside any transaction: refused there.)
      expect(calls.slice(0, 6).map((c) => c.inTransaction)).toEqual([true, true, false, true, true, true]);
      expect(calls[0]).toMatchObject({ where: { clientId: matter.clientId, matterId: matter.id }, items: [{ type: 'document', id: document.id, custodianId: lead.id }] });
      expect(calls.find((c) => c.items[0]?.type === 'note')!.items).toEqual([{ type: 'note', id: note.id, custodianId: lead.id }]);
      // Nothing changed.
      const view = (await call('GET', `/documents/${document.id}`)).json();
      expect(view).toMatchObject({ name: 'Held.txt', classification: 'confidential', currentVersion: 1, trashedAt: null, legalHold: true, can: { edit: false, classify: false, trash: false } });
      expect((await call('GET', `/notes/${note.id}`)).json()).toMatchObject({ body: 'body', revision: note.revision });
    } finally {
      held.clear();
    }

    // Released: the same changes go through.
    expect((await call('GET', `/documents/${document.id}`)).json()).toMatchObject({ legalHold: false, can: { edit: true, classify: true, trash: true } });
    expect((await call('PATCH', `/documents/${document.id}`, { name: 'Renamed.txt' })).statusCode).toBe(200);
    expect((await addVersion(document.id, 'a new version')).statusCode).toBe(201);
    expect((await call('PATCH', `/notes/${note.id}`, { body: 'changed', revision: note.revision })).statusCode).toBe(200);
    expect((await call('POST', `/documents/${document.id}/trash`)).statusCode).toBe(200);
    expect((await call('DELETE', `/notes/${note.id}`)).statusCode).toBe(200);
  });

  it('a hold placed while a new version uploads refuses it at commit (the hook is asked again in the transaction) and discards its blob', async () => {
    const document = await buildDocument(instance, { matter });
    const blobs = blobCount();
    calls.length = 0;
    // Held from the second question on: the check before the upload passes, the one in the commit refuses.
    const hook = holdsModule.provides!.vault!.heldItems!;
    let asked = 0;
    composeModules(instance.services, [
      ...MODULES,
      { name: 'late-hold', provides: { vault: { heldItems: async (tx, where, items) => ((asked += 1) > 1 ? new Set(items.map((i) => i.id)) : hook(tx, where, items)) } } },
    ]);
    try {
      const response = await addVersion(document.id, 'uploaded while the hold was placed');
      expect(response.statusCode, response.body).toBe(409);
      expect(response.json().error.code).toBe('LEGAL_HOLD');
    } finally {
      composeModules(instance.services, [...MODULES, holdsModule]);
    }
    expect(asked).toBe(2);
    expect(blobCount()).toBe(blobs);
    expect((await call('GET', `/documents/${document.id}`)).json().currentVersion).toBe(1);
  });

  it('a list asks the hook once for all its documents and marks the held ones', async () => {
    const own = await buildMatter(instance, { lead });
    const documents = [await buildDocument(instance, { matter: own }), await buildDocument(instance, { matter: own }), await buildDocument(instance, { matter: own })];
    held.add(documents[1]!.id);
    try {
      calls.length = 0;
      const listed = await call('GET', `/matters/${own.id}/documents`);
      expect(listed.statusCode).toBe(200);
      expect(calls).toHaveLength(1);
      expect(calls[0]!.items.map((i) => i.id).sort()).toEqual(documents.map((d) => d.id).sort());
      const items = listed.json().items as { id: string; legalHold: boolean; can: { trash: boolean; edit: boolean } }[];
      const expected = documents.map((d) => [d.id, d.id === documents[1]!.id, d.id !== documents[1]!.id, d.id !== documents[1]!.id]);
      expect(items.map((i) => [i.id, i.legalHold, i.can.trash, i.can.edit])).toEqual(expected.sort((a, b) => String(a[0]).localeCompare(String(b[0]))));
    } finally {
      held.clear();
    }
  });
});

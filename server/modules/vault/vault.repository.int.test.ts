/**
 * Issue 13, item 2, from the attacker's side (a service author who forgets the check, or passes
 * the wrong id): client rows and client keys are reached only with the `Authorized` value the
 * choke point returned, and only for what it names.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientId, MatterId, UserId } from '../../../common/ids.js';
import { requireAccess } from '../../access/index.js';
import { userContext } from '../../test-support/access.js';
import { DIALECTS } from '../../test-support/dialects.js';
import { buildDocument, buildMatter, type BuiltDocument, type BuiltMatter } from '../../test-support/factories.js';
import { createTestInstance, type TestInstance } from '../../test-support/test-instance.js';
import { getDocumentRow } from './documents.repository.js';
import { createNote, createRecord } from './index.js';
import { getMatterRow, getNoteRow, getRecordRow } from './vault.repository.js';
import { sealerForRead, sealerForWrite } from './vault.sealing.js';

describe.each(DIALECTS)('vault repository and sealing take only an authorization on %s', (dialect) => {
  let instance: TestInstance;
  let mine: BuiltMatter;
  let theirs: BuiltMatter;
  let document: BuiltDocument;
  let noteId: string;
  let recordId: string;
  const asLead = () => userContext(instance, 'attorney', { userId: mine.lead.id as UserId });

  beforeAll(async () => {
    instance = await createTestInstance(dialect);
    mine = await buildMatter(instance);
    theirs = await buildMatter(instance);
    document = await buildDocument(instance, { matter: mine });
    noteId = (await createNote(asLead(), mine.id, { title: 'Strategy', body: 'Settle below 2m' })).id;
    recordId = (await createRecord(asLead(), mine.id, { label: 'Box 1', location: 'Room 3' })).id;
  });
  afterAll(async () => instance?.close());

  it('an object authorization reads only the object it names, of the type it names', async () => {
    const ctx = asLead();
    const onNote = await requireAccess(ctx, 'note.read', { kind: 'object', type: 'note', id: noteId });
    expect((await getNoteRow(ctx, onNote)).id).toBe(noteId);
    // A note's authorization is not a document's or a record's, even in the same matter.
    await expect(getDocumentRow(ctx, onNote)).rejects.toMatchObject({ code: 'ACCESS_DENIED' });
    await expect(getRecordRow(ctx, onNote)).rejects.toMatchObject({ code: 'ACCESS_DENIED' });
    const onDocument = await requireAccess(ctx, 'document.read', { kind: 'object', type: 'document', id: document.id });
    expect((await getDocumentRow(ctx, onDocument)).id).toBe(document.id);
    await expect(getNoteRow(ctx, onDocument)).rejects.toMatchObject({ code: 'ACCESS_DENIED' });
    const onRecord = await requireAccess(ctx, 'record.read', { kind: 'object', type: 'record', id: recordId });
    expect((await getRecordRow(ctx, onRecord)).id).toBe(recordId);
  });

  it('a raw id is not an authorization: rows and sealers refuse it', async () => {
    const ctx = asLead();
    const onMatter = await requireAccess(ctx, 'matter.read', { kind: 'matter', matterId: mine.id });
    const row = await getMatterRow(ctx, onMatter);
    const title = (await sealerForRead(ctx, onMatter, row.key_version)).open('vault_matters', row.id, 'title', row.title_sealed);
    expect(title).toBe(mine.title);
    // Another client's matter: this attorney gets no authorization for it, and the ids alone open nothing.
    await expect(requireAccess(ctx, 'matter.read', { kind: 'matter', matterId: theirs.id })).rejects.toMatchObject({ code: 'ACCESS_DENIED' });
    // @ts-expect-error a client id is not an authorization (a compile error; refused at run time too)
    await expect(sealerForRead(ctx, theirs.clientId as ClientId, 1)).rejects.toThrow();
    // @ts-expect-error a client id is not an authorization
    await expect(sealerForWrite(ctx, theirs.clientId as ClientId)).rejects.toThrow();
    // @ts-expect-error a hand-made target is not an authorization (no brand)
    await expect(sealerForRead(ctx, { kind: 'matter', matterId: theirs.id as MatterId }, 1)).rejects.toThrow();
    const firmLevel = await requireAccess(ctx, 'client.create', { kind: 'firm' });
    // @ts-expect-error a firm-level authorization names no client: it seals and opens nothing
    await expect(sealerForRead(ctx, firmLevel, 1)).rejects.toThrow();
  });
});

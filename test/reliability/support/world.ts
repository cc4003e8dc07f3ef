/**
 * A small firm for the reliability and attack tests: two attorneys on separate clients, a third
 * screened from the first by an exclusionary wall, a compliance officer and an administrator,
 * with a client, matter, document, note and physical record each — all through the public API,
 * so the data is laid down exactly as a user would lay it down.
 */
import { expect } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { buildSession, buildUser, type BuiltSession, type BuiltUser } from '../../../server/test-support/factories.js';
import type { TestInstance } from '../../../server/test-support/test-instance.js';

export const b64url = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

export interface Holdings {
  clientId: string;
  matterId: string;
  documentId: string;
  noteId: string;
  recordId: string;
}

export interface World {
  alice: BuiltUser;
  bob: BuiltUser;
  /** An attorney behind an exclusionary wall around alice's client. */
  walled: BuiltUser;
  compliance: BuiltUser;
  admin: BuiltUser;
  aliceSession: BuiltSession;
  /** alice's client, matter, document, note, record. */
  a: Holdings;
  /** bob's. */
  b: Holdings;
  wallId: string;
}

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export function caller(instance: TestInstance) {
  return (method: Method, url: string, headers: Record<string, string> = {}, payload?: unknown): Promise<LightMyRequestResponse> =>
    instance.app.inject({ method, url, headers, ...(payload !== undefined ? { payload: payload as string } : {}) });
}

/** Creates a client, a matter, a document, a note and a record for `user`; `text` goes into each. */
export async function createHoldings(instance: TestInstance, user: BuiltUser, text: string): Promise<Holdings> {
  const call = caller(instance);
  const client = await call('POST', '/api/v1/clients', user.headers, { kind: 'organisation', name: `${text} Holdings`, email: 'legal@client.example', phone: `+44 ${text}`, address: `${text} street`, identifiers: [{ type: 'company-number', value: text }] });
  expect(client.statusCode, client.body).toBe(201);
  const clientId = client.json().id as string;
  const matter = await call('POST', '/api/v1/matters', user.headers, { clientId, title: `${text} v. Globex`, practiceArea: 'litigation', jurisdiction: 'GB' });
  expect(matter.statusCode, matter.body).toBe(201);
  const matterId = matter.json().id as string;
  const document = await instance.app.inject({
    method: 'POST',
    url: `/api/v1/matters/${matterId}/documents`,
    headers: { ...user.headers, 'content-type': 'application/octet-stream', 'x-document-name': b64url(`${text} memo.txt`) },
    payload: Buffer.from(`Privileged memo: ${text}\n`.repeat(50)),
  });
  expect(document.statusCode, document.body).toBe(201);
  const note = await call('POST', `/api/v1/matters/${matterId}/notes`, user.headers, { title: `${text} call`, body: `Client said ${text}` });
  expect(note.statusCode, note.body).toBe(201);
  const record = await call('POST', `/api/v1/matters/${matterId}/records`, user.headers, { label: `${text} box`, location: `${text} shelf` });
  expect(record.statusCode, record.body).toBe(201);
  return { clientId, matterId, documentId: document.json().id, noteId: note.json().id, recordId: record.json().id };
}

export async function buildWorld(instance: TestInstance, text = { a: 'ALPHA', b: 'BRAVO' }): Promise<World> {
  const alice = await buildUser(instance, { role: 'attorney', name: 'Alice Attorney' });
  const bob = await buildUser(instance, { role: 'attorney', name: 'Bob Attorney' });
  const walled = await buildUser(instance, { role: 'attorney', name: 'Walter Walled' });
  const compliance = await buildUser(instance, { role: 'compliance_officer', name: 'Cora Compliance' });
  const admin = await buildUser(instance, { role: 'firm_admin', name: 'Adam Admin' });
  const a = await createHoldings(instance, alice, text.a);
  const b = await createHoldings(instance, bob, text.b);
  // Walter joins alice's matter team, then is walled off from her client: the wall must win.
  const team = await caller(instance)('PUT', `/api/v1/matters/${a.matterId}/team/${walled.id}`, alice.headers, { role: 'attorney' });
  expect(team.statusCode, team.body).toBeLessThan(300);
  const wall = await caller(instance)('POST', '/api/v1/walls', compliance.headers, { kind: 'exclusionary', clientId: a.clientId, userIds: [walled.id], memo: 'Conflict: screened from this client' });
  expect(wall.statusCode, wall.body).toBe(201);
  // Alice works on the walled client: she must acknowledge the wall memo before opening it again.
  const acknowledged = await caller(instance)('POST', `/api/v1/walls/${wall.json().id}/acknowledge`, alice.headers);
  expect(acknowledged.statusCode, acknowledged.body).toBe(200);
  const aliceSession = await buildSession(instance, alice);
  return { alice, bob, walled, compliance, admin, aliceSession, a, b, wallId: wall.json().id };
}

import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { MatterId, NoteId } from '../../../common/ids.js';
import { PageQuery, pageOf as pageFromQuery } from './vault.pagination.js';
import { CreateNoteBody, ERROR_RESPONSE, MatterIdParams, NoteIdParams, NoteResponse, pageOf, UpdateNoteBody } from './vault.schemas.js';
import { createNote, deleteNote, findNotes, getNoteById, updateNote } from './notes.service.js';

const errors = { 400: ERROR_RESPONSE, 401: ERROR_RESPONSE, 404: ERROR_RESPONSE, 409: ERROR_RESPONSE, 410: ERROR_RESPONSE, 503: ERROR_RESPONSE };

export async function notesRoutes(app: FastifyInstance): Promise<void> {
  app.post('/matters/:matterId/notes', { schema: { tags: ['notes'], summary: 'Write a note on a matter (sealed at rest)', params: MatterIdParams, body: CreateNoteBody, response: { 201: NoteResponse, ...errors } } }, async (request, reply) => {
    reply.code(201);
    return createNote(request.ctx, (request.params as { matterId: MatterId }).matterId, request.body as { title: string; body: string });
  });
  app.get('/matters/:matterId/notes', { schema: { tags: ['notes'], summary: "A matter's notes, paginated", params: MatterIdParams, querystring: PageQuery, response: { 200: pageOf(NoteResponse), ...errors } } }, async (request) =>
    findNotes(request.ctx, (request.params as { matterId: MatterId }).matterId, pageFromQuery(request.query as { limit?: number; after?: string })),
  );
  app.get('/notes/:noteId', { schema: { tags: ['notes'], summary: 'A note', params: NoteIdParams, response: { 200: NoteResponse, ...errors } } }, async (request) => getNoteById(request.ctx, (request.params as { noteId: NoteId }).noteId));
  app.patch('/notes/:noteId', { schema: { tags: ['notes'], summary: 'Edit a note (send the revision you loaded)', params: NoteIdParams, body: UpdateNoteBody, response: { 200: NoteResponse, ...errors } } }, async (request) =>
    updateNote(request.ctx, (request.params as { noteId: NoteId }).noteId, request.body as { title?: string; body?: string; revision: number }),
  );
  app.delete('/notes/:noteId', { schema: { tags: ['notes'], summary: 'Delete a note', params: NoteIdParams, response: { 200: Type.Object({ deleted: Type.Boolean() }), ...errors } } }, async (request) => {
    await deleteNote(request.ctx, (request.params as { noteId: NoteId }).noteId);
    return { deleted: true };
  });
}

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { errorResponses, SIGNED_IN_ERRORS } from '../../platform/http/errors-schema.js';
import { PageQuery, pageOf as pageFromQuery } from './vault.pagination.js';
import { CreateNoteBody, MatterIdParams, NoteIdParams, NoteResponse, pageOf, UpdateNoteBody } from './vault.schemas.js';
import { createNote, deleteNote, findNotes, getNoteById, updateNote } from './notes.service.js';

const errors = errorResponses(400, 404, 409, 410, ...SIGNED_IN_ERRORS);

export async function notesRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.post('/matters/:matterId/notes', { schema: { tags: ['notes'], summary: 'Write a note on a matter (sealed at rest)', params: MatterIdParams, body: CreateNoteBody, response: { 201: NoteResponse, ...errors } } }, async (request, reply) => {
    reply.code(201);
    return createNote(request.ctx, request.params.matterId, request.body);
  });
  app.get('/matters/:matterId/notes', { schema: { tags: ['notes'], summary: "A matter's notes, paginated", params: MatterIdParams, querystring: PageQuery, response: { 200: pageOf(NoteResponse), ...errors } } }, async (request) =>
    findNotes(request.ctx, request.params.matterId, pageFromQuery(request.query)),
  );
  app.get('/notes/:noteId', { schema: { tags: ['notes'], summary: 'A note', params: NoteIdParams, response: { 200: NoteResponse, ...errors } } }, async (request) => getNoteById(request.ctx, request.params.noteId));
  app.patch('/notes/:noteId', { schema: { tags: ['notes'], summary: 'Edit a note (send the revision you loaded)', params: NoteIdParams, body: UpdateNoteBody, response: { 200: NoteResponse, ...errors } } }, async (request) =>
    updateNote(request.ctx, request.params.noteId, request.body),
  );
  app.delete('/notes/:noteId', { schema: { tags: ['notes'], summary: 'Delete a note', params: NoteIdParams, response: { 200: Type.Object({ deleted: Type.Boolean() }), ...errors } } }, async (request) => {
    await deleteNote(request.ctx, request.params.noteId);
    return { deleted: true };
  });
}

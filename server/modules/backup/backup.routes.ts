/**
 * /api/v1 routes of the backup module: what the firm administrator and the compliance officer see
 * of backups and drills, and "run now". Creating, verifying and restoring stay on the command line
 * (a restore runs before any server does).
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { errorResponses, SIGNED_IN_ERRORS } from '../../platform/http/errors-schema.js';
import { BackupStatusSchema, QueuedSchema, RunNowBody } from './backup.schemas.js';
import { backupStatus, requestBackupRun } from './runs.service.js';

const tags = ['backup'];

export async function backupRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.get('/backups', { schema: { tags, summary: 'Backups and drills: settings, the last successful ones, the newest runs', response: { 200: BackupStatusSchema, ...errorResponses(...SIGNED_IN_ERRORS) } } }, async (request) => backupStatus(request.ctx));
  app.post('/backups/run', { schema: { tags, summary: 'Queue a backup or a drill now (409 CONFLICT when none is configured)', body: RunNowBody, response: { 202: QueuedSchema, ...errorResponses(400, 409, ...SIGNED_IN_ERRORS) } } }, async (request, reply) => {
    reply.code(202);
    return requestBackupRun(request.ctx, request.body.kind);
  });
}

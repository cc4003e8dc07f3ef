/** /api/v1 routes of the incidents module: report, the response workflow, scope, containment, deadlines, corrective actions. */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { requireAccess } from '../../access/index.js';
import { errorResponses, SIGNED_IN_ERRORS } from '../../platform/http/errors-schema.js';
import { Binary } from '../../platform/http/response-schemas.js';
import { ActionParams, AdvanceBody, FromAlertBody, NotificationBody, NotificationList, NotificationParams, NotificationPatchBody, NotificationSchema, ContainBody, ContainmentParams, CorrectiveBody, IdParams, IncidentList, IncidentSchema, IncidentsQuery, NoteBody, RegimeList, RegimesBody, ReportBody, ScopeBody } from './incidents.schemas.js';
import { addCorrectiveAction, addIncidentNote, advanceIncident, completeCorrectiveAction, containIncident, findIncidents, FIRM, getIncident, openIncidentFromAlert, reportIncident, reverseContainment, setIncidentRegimes } from './incidents.service.js';
import { approveNotification, draftNotification, editNotification, findIncidentNotifications, notificationPdf, sendNotification } from './notifications.service.js';
import { loadRegimes } from './regimes.js';
import { assessScope } from './scope.service.js';

const tags = ['incidents'];
const errors = errorResponses(400, 404, 409, ...SIGNED_IN_ERRORS);
const one = { 200: IncidentSchema, ...errors };

export async function incidentsRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.get('/incidents', { schema: { tags, summary: 'Incidents: every one for the compliance officer, one’s own reports for anyone else', querystring: IncidentsQuery, response: { 200: IncidentList, ...errors } } }, async (request) => ({ items: await findIncidents(request.ctx, request.query) }));
  app.post('/incidents', { schema: { tags, summary: 'Report an incident (anyone signed in)', body: ReportBody, response: { 201: IncidentSchema, ...errors } } }, async (request, reply) => {
    reply.code(201);
    return reportIncident(request.ctx, request.body);
  });
  app.post('/incidents/from-alert', { schema: { tags, summary: 'Open an incident from a monitoring alert, with its evidence (the compliance officer; one per alert)', body: FromAlertBody, response: { 201: IncidentSchema, ...errors } } }, async (request, reply) => {
    reply.code(201);
    return openIncidentFromAlert(request.ctx, request.body.alertId);
  });
  app.get('/incidents/regimes', { schema: { tags, summary: 'The notification regimes loaded from their rule files, with their deadlines', response: { 200: RegimeList, ...errors } } }, async (request) => {
    await requireAccess(request.ctx, 'incident.manage', FIRM);
    return { items: loadRegimes() };
  });
  app.get('/incidents/:id', { schema: { tags, summary: 'An incident: its timeline, clocks, scope, containment and corrective actions (the reporter sees their report and its steps)', params: IdParams, response: one } }, async (request) => getIncident(request.ctx, request.params.id));
  app.post('/incidents/:id/advance', { schema: { tags, summary: 'Move the incident to its next step (409 INCIDENT_STATE otherwise)', params: IdParams, body: AdvanceBody, response: one } }, async (request) => advanceIncident(request.ctx, request.params.id, request.body));
  app.post('/incidents/:id/notes', { schema: { tags, summary: 'Add a note to the timeline', params: IdParams, body: NoteBody, response: one } }, async (request) => addIncidentNote(request.ctx, request.params.id, request.body.text));
  app.put('/incidents/:id/regimes', { schema: { tags, summary: 'Which regimes apply: their deadline clocks run from the awareness time', params: IdParams, body: RegimesBody, response: one } }, async (request) => setIncidentRegimes(request.ctx, request.params.id, request.body.regimes));
  app.post('/incidents/:id/scope', { schema: { tags, summary: 'Compute the scope from the audit log: what the people (or an address range) touched in the window; frozen when assessed', params: IdParams, body: ScopeBody, response: one } }, async (request) => assessScope(request.ctx, request.params.id, request.body));
  app.post('/incidents/:id/containment', { schema: { tags, summary: 'Contain: disable an account or end a person’s sessions and tokens, recorded on the incident', params: IdParams, body: ContainBody, response: one } }, async (request) => containIncident(request.ctx, request.params.id, request.body));
  app.post('/incidents/:id/containment/:containmentId/reverse', { schema: { tags, summary: 'Reverse a containment (a disabled account is enabled again)', params: ContainmentParams, response: one } }, async (request) => reverseContainment(request.ctx, request.params.id, request.params.containmentId));
  app.post('/incidents/:id/actions', { schema: { tags, summary: 'Add a corrective action of the post-incident review', params: IdParams, body: CorrectiveBody, response: one } }, async (request) => addCorrectiveAction(request.ctx, request.params.id, request.body));
  app.get('/incidents/:id/notifications', { schema: { tags, summary: 'The incident’s letters (to clients, regulators, the people affected) with their status', params: IdParams, response: { 200: NotificationList, ...errors } } }, async (request) => ({ items: await findIncidentNotifications(request.ctx, request.params.id) }));
  app.post('/incidents/:id/notifications', { schema: { tags, summary: 'Draft a letter from the audience’s template', params: IdParams, body: NotificationBody, response: { 201: NotificationSchema, ...errors } } }, async (request, reply) => {
    reply.code(201);
    return draftNotification(request.ctx, request.params.id, request.body);
  });
  app.patch('/incidents/:id/notifications/:notificationId', { schema: { tags, summary: 'Edit a draft letter', params: NotificationParams, body: NotificationPatchBody, response: { 200: NotificationSchema, ...errors } } }, async (request) => editNotification(request.ctx, request.params.id, request.params.notificationId, request.body));
  app.post('/incidents/:id/notifications/:notificationId/approve', { schema: { tags, summary: 'Approve a draft letter for sending', params: NotificationParams, response: { 200: NotificationSchema, ...errors } } }, async (request) => approveNotification(request.ctx, request.params.id, request.params.notificationId));
  app.post('/incidents/:id/notifications/:notificationId/send', { schema: { tags, summary: 'Send an approved letter by mail; its delivery status is kept (sent, or failed with a code)', params: NotificationParams, response: { 200: NotificationSchema, ...errors } } }, async (request) => sendNotification(request.ctx, request.params.id, request.params.notificationId));
  app.get('/incidents/:id/notifications/:notificationId/pdf', { schema: { tags, summary: 'A letter as PDF', params: NotificationParams, response: { 200: { description: 'PDF', content: { 'application/pdf': { schema: Binary } } }, ...errors } } }, async (request, reply) =>
    reply.type('application/pdf').header('cache-control', 'private, no-store').header('content-disposition', 'attachment; filename="letter.pdf"').send(await notificationPdf(request.ctx, request.params.id, request.params.notificationId)),
  );
  app.post('/incidents/:id/actions/:actionId/done', { schema: { tags, summary: 'Mark a corrective action done', params: ActionParams, response: one } }, async (request) => completeCorrectiveAction(request.ctx, request.params.id, request.params.actionId));
}

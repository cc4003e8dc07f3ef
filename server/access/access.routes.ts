/** HTTP routes of the access module: schema → one service call → presenter (the service views are allowlists). */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AppServices } from '../platform/context.js';
import { AppError } from '../platform/errors.js';
import { errorResponses, SIGNED_IN_ERRORS } from '../platform/http/errors-schema.js';
import * as S from './access.schemas.js';
import { listBreakGlass, listMyBreakGlass, reviewBreakGlass, startBreakGlass } from './break-glass.service.js';
import { cancelApproval, decideApproval, listApprovals } from './approvals.service.js';
import { listAgreements, listGateSettings, recordAgreement, setGateEnabled } from './gates.service.js';
import { grantClientAccess, listClientGrants, revokeClientGrant } from './grants.service.js';
import { checkDecision } from './choke-point.js';
import type { AccessTarget } from './targets.js';
import { couldAccess } from './reports.service.js';
import { createAccessRequest, decideAccessRequest, listAccessRequests } from './requests.service.js';
import { screeningNoticePdf } from './screening-notice.js';
import { listTeam, removeTeamMember, setTeamMember } from './team.service.js';
import { acknowledgeWall, createWall, describeWallTarget, getWall, searchWallTargets, liftWall, listWalls, pendingAcknowledgements } from './walls.service.js';

const tags = ['access'];
/** Every access route reaches a matter, client, wall, grant, request or approval the caller may not see (404), with input (400) that can conflict with the current state (409). */
const errors = errorResponses(400, 404, 409, ...SIGNED_IN_ERRORS);
/** Routes without input: a denial still answers 404. */
const noInputErrors = errorResponses(404, ...SIGNED_IN_ERRORS);

export async function accessRoutes(fastify: FastifyInstance, services: AppServices): Promise<void> {
  void services;
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  // ---- matter teams
  app.get('/matters/:matterId/team', { schema: { tags, summary: "A matter's team", params: S.MatterParams, response: { 200: S.Team, ...errors } } }, async (request) => ({
    members: await listTeam(request.ctx, request.params.matterId),
  }));
  app.put('/matters/:matterId/team/:userId', { schema: { tags, summary: 'Add a person to the team or change their role (lead attorney)', params: S.MatterUserParams, body: S.SetTeamMemberBody, response: { 200: S.TeamMember, ...errors } } }, async (request) => {
    const { matterId, userId } = request.params;
    const input = request.body;
    return setTeamMember(request.ctx, matterId, userId, input.role, input.expiresAt ?? null);
  });
  app.delete('/matters/:matterId/team/:userId', { schema: { tags, summary: 'Remove a person from the team (lead attorney)', params: S.MatterUserParams, response: { 204: S.NoContent, ...errors } } }, async (request, reply) => {
    const { matterId, userId } = request.params;
    await removeTeamMember(request.ctx, matterId, userId);
    return reply.code(204).send();
  });

  // ---- ethical walls
  app.post('/walls', { schema: { tags, summary: 'Create an ethical wall (compliance)', body: S.CreateWallBody, response: { 201: S.Wall, ...errors } } }, async (request, reply) => {
    const wall = await createWall(request.ctx, request.body);
    return reply.code(201).send(wall);
  });
  app.get('/walls', { schema: { tags, summary: 'Walls, newest first (compliance)', querystring: S.WallsQuery, response: { 200: S.Walls, ...errors } } }, async (request) => ({
    walls: await listWalls(request.ctx, request.query),
  }));
  app.get('/walls/target', { schema: { tags, summary: 'What a new wall would cover, by number (compliance; for a form opened from a link)', querystring: S.WallTargetQuery, response: { 200: S.WallTarget, ...errors } } }, async (request) =>
    describeWallTarget(request.ctx, request.query),
  );
  // A POST so what was typed stays out of URLs and access logs, like the vault's searches.
  app.post('/walls/targets/search', { schema: { tags, summary: 'Find matters to wall by the start of their number (compliance)', body: S.WallTargetSearchBody, response: { 200: S.WallTargetMatches, ...errors } } }, async (request) => ({
    matters: await searchWallTargets(request.ctx, request.body),
  }));
  app.get('/walls/pending-acknowledgements', { schema: { tags, summary: 'Walls whose memo you still have to acknowledge', response: { 200: S.Walls, ...noInputErrors } } }, async (request) => ({
    walls: await pendingAcknowledgements(request.ctx),
  }));
  app.get('/walls/:id', { schema: { tags, summary: 'One wall with its members and acknowledgements', params: S.IdParams, response: { 200: S.Wall, ...errors } } }, async (request) =>
    getWall(request.ctx, request.params.id),
  );
  app.post(
    '/walls/:id/lift',
    {
      schema: {
        tags,
        summary: 'Lift a wall (kept as history; a second compliance officer approves)',
        description: 'Answers 202 with the pending approval (`access.wall.lift`) when another compliance officer could approve it; 200 with the lifted wall while nobody else could (the waiver is audited).',
        params: S.IdParams,
        response: { 200: S.Wall, 202: S.PendingApproval, ...errors },
      },
    },
    async (request, reply) => {
      const outcome = await liftWall(request.ctx, request.params.id);
      return outcome.wall ? reply.code(200).send(outcome.wall) : reply.code(202).send({ approval: outcome.approval });
    },
  );
  app.post('/walls/:id/acknowledge', { schema: { tags, summary: "Acknowledge a wall's memo", params: S.IdParams, response: { 200: S.Wall, ...errors } } }, async (request) =>
    acknowledgeWall(request.ctx, request.params.id),
  );
  app.post(
    '/walls/:id/notice',
    {
      schema: {
        tags,
        summary: 'Screening notice to the affected client (ABA Model Rule 1.10), as PDF',
        params: S.IdParams,
        body: S.NoticeBody,
        response: { 200: Type.Unsafe<Buffer>({ type: 'string', format: 'binary', description: 'application/pdf' }), ...errors },
      },
    },
    async (request, reply) => {
      const pdf = await screeningNoticePdf(request.ctx, request.params.id, request.body);
      return reply.header('content-type', 'application/pdf').header('content-disposition', 'attachment; filename="screening-notice.pdf"').header('cache-control', 'no-store').send(pdf);
    },
  );

  // ---- client-level grants
  app.get('/clients/:clientId/grants', { schema: { tags, summary: 'Grants on a client, current and past', params: S.ClientParams, response: { 200: S.Grants, ...errors } } }, async (request) => ({
    grants: await listClientGrants(request.ctx, request.params.clientId),
  }));
  app.post(
    '/clients/:clientId/grants',
    {
      schema: {
        tags,
        summary: 'Grant expiring access to all matters of a client (a client-wide lead attorney; never to yourself)',
        description: 'Answers 201 with the grant, or 202 with the pending approval when the firm requires a compliance officer to approve client-wide grants (ACCESS_GRANT_APPROVAL).',
        params: S.ClientParams,
        body: S.GrantBody,
        response: { 201: S.Grant, 202: S.PendingApproval, ...errors },
      },
    },
    async (request, reply) => {
      const outcome = await grantClientAccess(request.ctx, request.params.clientId, request.body);
      return outcome.grant ? reply.code(201).send(outcome.grant) : reply.code(202).send({ approval: outcome.approval });
    },
  );
  app.post('/access/grants/:id/revoke', { schema: { tags, summary: 'End a grant now', params: S.IdParams, response: { 200: S.Grant, ...errors } } }, async (request) =>
    revokeClientGrant(request.ctx, request.params.id),
  );

  // ---- access requests
  app.post('/access/requests', { schema: { tags, summary: 'Ask to join a matter, with a reason', body: S.AccessRequestBody, response: { 201: S.AccessRequest, ...errors } } }, async (request, reply) => {
    const created = await createAccessRequest(request.ctx, request.body);
    return reply.code(201).send(created);
  });
  app.get('/access/requests', { schema: { tags, summary: 'Your requests, or (toDecide) those waiting for your decision', querystring: S.AccessRequestsQuery, response: { 200: S.AccessRequests, ...errors } } }, async (request) => ({
    requests: await listAccessRequests(request.ctx, { toDecide: request.query.toDecide === true }),
  }));
  app.post('/access/requests/:id/decide', { schema: { tags, summary: 'Approve or refuse a request (lead attorney)', params: S.IdParams, body: S.DecideBody, response: { 200: S.AccessRequest, ...errors } } }, async (request) =>
    decideAccessRequest(request.ctx, request.params.id, request.body),
  );

  // ---- break-glass
  app.post('/access/break-glass', { schema: { tags, summary: 'Emergency access to a matter for one hour (fresh second factor, justification)', body: S.BreakGlassBody, response: { 201: S.BreakGlass, ...errors } } }, async (request, reply) => {
    const session = await startBreakGlass(request.ctx, request.body);
    return reply.code(201).send(session);
  });
  app.get('/access/break-glass', { schema: { tags, summary: 'Break-glass sessions and the review queue (compliance)', querystring: S.BreakGlassQuery, response: { 200: S.BreakGlassList, ...errors } } }, async (request) => ({
    sessions: await listBreakGlass(request.ctx, { pendingReview: request.query.pendingReview === true }),
  }));
  app.get('/access/break-glass/mine', { schema: { tags, summary: 'Your break-glass sessions', response: { 200: S.BreakGlassList, ...noInputErrors } } }, async (request) => ({
    sessions: await listMyBreakGlass(request.ctx),
  }));
  app.post('/access/break-glass/:id/review', { schema: { tags, summary: 'Record the after-the-fact review (compliance)', params: S.IdParams, body: S.ReviewBody, response: { 200: S.BreakGlass, ...errors } } }, async (request) =>
    reviewBreakGlass(request.ctx, request.params.id, request.body),
  );

  // ---- gates
  app.get('/access/gates', { schema: { tags, summary: 'Gate settings and what each gate does', response: { 200: S.GateSettings, ...noInputErrors } } }, async (request) => ({
    gates: await listGateSettings(request.ctx),
  }));
  app.put('/access/gates/:gate', { schema: { tags, summary: 'Turn a gate on or off', params: S.GateParams, body: S.GateBody, response: { 200: S.GateSetting, ...errors } } }, async (request) =>
    setGateEnabled(request.ctx, request.params.gate, request.body.enabled),
  );
  app.get('/access/agreements', { schema: { tags, summary: 'Confidentiality agreements and training on file', querystring: S.AgreementsQuery, response: { 200: S.Agreements, ...errors } } }, async (request) => ({
    agreements: await listAgreements(request.ctx, request.query.userId),
  }));
  app.post('/access/agreements', { schema: { tags, summary: 'Record a signed agreement or completed training', body: S.AgreementBody, response: { 201: S.Agreement, ...errors } } }, async (request, reply) => {
    const input = request.body;
    return reply.code(201).send(await recordAgreement(request.ctx, { ...input, expiresAt: input.expiresAt ?? null }));
  });

  // ---- two-person approvals
  app.get('/approvals', { schema: { tags, summary: 'Your requests for approval, or (toDecide) those waiting for you as the second person', querystring: S.ApprovalsQuery, response: { 200: S.Approvals, ...errors } } }, async (request) => ({
    approvals: await listApprovals(request.ctx, { toDecide: request.query.toDecide === true }),
  }));
  app.post('/approvals/:id/decide', { schema: { tags, summary: 'Approve (the change is made now) or reject a request; never your own or one about you', params: S.IdParams, body: S.ApprovalDecisionBody, response: { 200: S.Approval, ...errors } } }, async (request) =>
    decideApproval(request.ctx, request.params.id, request.body.decision),
  );
  app.post('/approvals/:id/cancel', { schema: { tags, summary: 'Withdraw your own pending request', params: S.IdParams, response: { 200: S.Approval, ...errors } } }, async (request) =>
    cancelApproval(request.ctx, request.params.id),
  );

  // ---- reports and decisions
  app.get('/access/reports/could-access', { schema: { tags, summary: 'Who could access a client or matter on a date (at) or over a range (from, to)', querystring: S.CouldAccessQuery, response: { 200: S.CouldAccessReport, ...errors } } }, async (request) => {
    const q = request.query;
    const from = q.at ?? q.from;
    const to = q.at ?? q.to;
    if (from === undefined || to === undefined) throw new AppError('VALIDATION_FAILED', 'Give at, or from and to', [{ path: 'querystring.at', message: 'at, or from and to, is required' }]);
    return couldAccess(request.ctx, { clientId: q.clientId, matterId: q.matterId, from, to });
  });
  app.get('/access/decision', { schema: { tags, summary: 'Whether you may do something (recorded as a decision query, never as an access)', querystring: S.DecisionQuery, response: { 200: S.DecisionView, ...errors } } }, async (request) => {
    const q = request.query;
    if (q.clientId !== undefined && q.matterId !== undefined) throw new AppError('VALIDATION_FAILED', 'Give at most one of clientId or matterId', [{ path: 'querystring.clientId', message: 'give at most one of clientId or matterId' }]);
    const target: AccessTarget = q.matterId ? { kind: 'matter', matterId: q.matterId } : q.clientId ? { kind: 'client', clientId: q.clientId } : { kind: 'firm' };
    return checkDecision(request.ctx, q.permission, target);
  });
}

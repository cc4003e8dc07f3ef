/**
 * /api/v1 routes of the compliance module: policies (versions, campaigns, acknowledgements),
 * confidentiality agreements, training (courses, completions, CSV import, status), access
 * reviews (campaigns, certification, deadline run, CSV evidence), the signed-in person's own
 * items, and the summary counts. Schema → one service call → the service's allowlisted view.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { errorResponses, SIGNED_IN_ERRORS } from '../../platform/http/errors-schema.js';
import { Binary } from '../../platform/http/response-schemas.js';
import { AppError } from '../../platform/errors.js';
import { findComplianceAgreements, getAgreementDocument, myAgreements, recordComplianceAgreement, revokeComplianceAgreement } from './agreements.service.js';
import * as S from './compliance.schemas.js';
import { acknowledgePolicy, changePolicy, createAckCampaign, createPolicy, findCompliancePolicies, getPolicyById, getPolicyContent, markPolicyReviewed, myPolicies, publishPolicyVersion } from './policies.service.js';
import { certifyReviewItem, createAccessReview, exportAccessReviewCsv, findAccessReviews, getAccessReviewById, myReviewItems, runAccessReviewDeadlinesNow } from './reviews.service.js';
import { complianceSummary } from './summary.service.js';
import { changeCourse, createCourse, findTrainingCompletions, findTrainingCourses, findTrainingStatus, importCompletions, myTraining, recordCompletion } from './training.service.js';

const errors = errorResponses(400, 404, 409, ...SIGNED_IN_ERRORS);
const tags = ['compliance'];
const noStore = { 'cache-control': 'private, no-store' };
const pdf = { description: 'PDF', content: { 'application/pdf': { schema: Binary } } };
/** A PDF in base64 JSON is larger than the default 1 MiB body limit. */
const UPLOAD_LIMIT = 4 * 1024 * 1024;
const Count = Type.Integer();
const Summary = Type.Object({
  agreements: Type.Object({ withoutCurrent: Count, expired: Count, expiring: Count, staff: Count }),
  training: Type.Object({ overdue: Count, expired: Count, dueSoon: Count, current: Count, peopleBehind: Count }),
  policies: Type.Object({ required: Count, peopleMissing: Count, pendingAcknowledgements: Count, reviewsOverdue: Count }),
  accessReviews: Type.Object({ openCampaigns: Count, undecided: Count, overdue: Count, daysSinceLastCampaign: Type.Union([Count, Type.Null()]) }),
});

export async function complianceRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  // ── policies ──
  app.get('/compliance/policies', { schema: { tags, summary: 'Policies with their review and acknowledgement status', response: { 200: S.PolicyList, ...errors } } }, async (request) => ({ items: await findCompliancePolicies(request.ctx) }));
  app.post('/compliance/policies', { bodyLimit: UPLOAD_LIMIT, schema: { tags, summary: 'Create a policy with its first version (Markdown text or a PDF)', body: S.PolicyBody, response: { 201: S.PolicyDetailSchema, ...errors } } }, async (request, reply) => {
    reply.code(201);
    return createPolicy(request.ctx, request.body);
  });
  app.get('/compliance/policies/:id', { schema: { tags, summary: 'One policy with its versions and acknowledgement campaigns', params: S.IdParams, response: { 200: S.PolicyDetailSchema, ...errors } } }, async (request) => getPolicyById(request.ctx, request.params.id));
  app.patch('/compliance/policies/:id', { schema: { tags, summary: 'Change title, owner, required, review cycle or status', params: S.IdParams, body: S.PolicyPatchBody, response: { 200: S.PolicyDetailSchema, ...errors } } }, async (request) => changePolicy(request.ctx, request.params.id, request.body));
  app.post('/compliance/policies/:id/versions', { bodyLimit: UPLOAD_LIMIT, schema: { tags, summary: 'Publish a new version (it becomes current; the next review is due a cycle from now)', params: S.IdParams, body: S.VersionBody, response: { 201: S.PolicyDetailSchema, ...errors } } }, async (request, reply) => {
    reply.code(201);
    return publishPolicyVersion(request.ctx, request.params.id, request.body);
  });
  app.post('/compliance/policies/:id/reviewed', { schema: { tags, summary: 'Record a review without changes (the next review is due a cycle from now)', params: S.IdParams, response: { 200: S.PolicyDetailSchema, ...errors } } }, async (request) => markPolicyReviewed(request.ctx, request.params.id));
  app.get('/compliance/policies/:id/versions/:version', { schema: { tags, summary: 'A version’s text (PDF versions: see …/pdf)', params: S.VersionParams, response: { 200: S.PolicyContentSchema, ...errors } } }, async (request) => {
    const { pdf: _bytes, ...content } = await getPolicyContent(request.ctx, request.params.id, request.params.version);
    return content;
  });
  app.get('/compliance/policies/:id/versions/:version/pdf', { schema: { tags, summary: 'A PDF version’s file', params: S.VersionParams, response: { 200: pdf, ...errors } } }, async (request, reply) => {
    const content = await getPolicyContent(request.ctx, request.params.id, request.params.version);
    if (!content.pdf) throw new AppError('NOT_FOUND', 'This version is text, not a PDF');
    return reply.type('application/pdf').headers(noStore).header('content-disposition', `inline; filename="policy-${request.params.id}-v${content.version}.pdf"`).send(content.pdf);
  });
  app.post('/compliance/policies/:id/campaigns', { schema: { tags, summary: 'Ask roles or named people to acknowledge the current version (each is mailed)', params: S.IdParams, body: S.CampaignBody, response: { 201: S.CampaignSchema, ...errors } } }, async (request, reply) => {
    reply.code(201);
    return createAckCampaign(request.ctx, request.params.id, request.body);
  });
  app.post('/compliance/policies/:id/acknowledge', { schema: { tags, summary: 'Acknowledge the current version, for yourself only (409 POLICY_VERSION_STALE for an older version)', params: S.IdParams, body: S.AcknowledgeBody, response: { 200: S.MyPolicySchema, ...errors } } }, async (request) => acknowledgePolicy(request.ctx, request.params.id, request.body));

  // ── my own ──
  app.get('/compliance/my/policies', { schema: { tags, summary: 'The policies I must read, and whether I acknowledged them', response: { 200: S.MyPolicyList, ...errors } } }, async (request) => ({ items: await myPolicies(request.ctx) }));
  app.get('/compliance/my/training', { schema: { tags, summary: 'My courses and their state', response: { 200: S.TrainingStatusList, ...errors } } }, async (request) => ({ items: await myTraining(request.ctx) }));
  app.get('/compliance/my/agreements', { schema: { tags, summary: 'My confidentiality agreements', response: { 200: S.AgreementList, ...errors } } }, async (request) => ({ items: await myAgreements(request.ctx) }));
  app.get('/compliance/my/access-review-items', { schema: { tags, summary: 'Access review items I am asked to certify (matters I lead)', response: { 200: S.ReviewItemList, ...errors } } }, async (request) => ({ items: await myReviewItems(request.ctx) }));

  // ── agreements ──
  app.get('/compliance/agreements', { schema: { tags, summary: 'Confidentiality agreements on file', querystring: S.AgreementsQuery, response: { 200: S.AgreementList, ...errors } } }, async (request) => ({ items: await findComplianceAgreements(request.ctx, request.query) }));
  app.post('/compliance/agreements', { bodyLimit: UPLOAD_LIMIT, schema: { tags, summary: 'Record a signed confidentiality agreement (optionally with its PDF)', body: S.AgreementBody, response: { 201: S.AgreementSchema, ...errors } } }, async (request, reply) => {
    reply.code(201);
    return recordComplianceAgreement(request.ctx, request.body);
  });
  app.post('/compliance/agreements/:id/revoke', { schema: { tags, summary: 'Withdraw an agreement (kept as history; the gate stops counting it)', params: S.IdParams, response: { 200: S.AgreementSchema, ...errors } } }, async (request) => revokeComplianceAgreement(request.ctx, request.params.id));
  app.get('/compliance/agreements/:id/document', { schema: { tags, summary: 'The signed document (compliance, or the person it belongs to)', params: S.IdParams, response: { 200: pdf, ...errors } } }, async (request, reply) => {
    const document = await getAgreementDocument(request.ctx, request.params.id);
    return reply.type('application/pdf').headers(noStore).header('content-disposition', `attachment; filename="agreement-${request.params.id}.pdf"`).send(document.pdf);
  });

  // ── training ──
  app.get('/compliance/courses', { schema: { tags, summary: 'Training courses', response: { 200: S.CourseList, ...errors } } }, async (request) => ({ items: await findTrainingCourses(request.ctx) }));
  app.post('/compliance/courses', { schema: { tags, summary: 'Create a course', body: S.CourseBody, response: { 201: S.CourseSchema, ...errors } } }, async (request, reply) => {
    reply.code(201);
    return createCourse(request.ctx, request.body);
  });
  app.patch('/compliance/courses/:id', { schema: { tags, summary: 'Change a course', params: S.IdParams, body: S.CoursePatchBody, response: { 200: S.CourseSchema, ...errors } } }, async (request) => changeCourse(request.ctx, request.params.id, request.body));
  app.get('/compliance/completions', { schema: { tags, summary: 'Training completions', querystring: S.CompletionsQuery, response: { 200: S.CompletionList, ...errors } } }, async (request) => ({ items: await findTrainingCompletions(request.ctx, request.query) }));
  app.post('/compliance/completions', { schema: { tags, summary: 'Record a completion with its score', body: S.CompletionBody, response: { 201: S.CompletionSchema, ...errors } } }, async (request, reply) => {
    reply.code(201);
    return recordCompletion(request.ctx, request.body);
  });
  app.post('/compliance/completions/import', { schema: { tags, summary: 'Import completions from CSV (email,course,completed,score): all rows or none; each bad row named by its line', body: S.ImportBody, response: { 200: S.ImportResult, ...errors } } }, async (request) => importCompletions(request.ctx, request.body.csv));
  app.get('/compliance/training/status', { schema: { tags, summary: 'Everyone’s state in each course of their role', response: { 200: S.TrainingStatusList, ...errors } } }, async (request) => ({ items: await findTrainingStatus(request.ctx) }));

  // ── access reviews ──
  app.get('/compliance/access-reviews', { schema: { tags, summary: 'Access review campaigns', response: { 200: S.ReviewList, ...errors } } }, async (request) => ({ items: await findAccessReviews(request.ctx) }));
  app.post('/compliance/access-reviews', { schema: { tags, summary: 'Open a campaign over every current seat and client grant', body: S.ReviewBody, response: { 201: S.ReviewSchema, ...errors } } }, async (request, reply) => {
    reply.code(201);
    return createAccessReview(request.ctx, request.body);
  });
  app.get('/compliance/access-reviews/:id', { schema: { tags, summary: 'One campaign with its items', params: S.IdParams, response: { 200: S.ReviewDetailSchema, ...errors } } }, async (request) => getAccessReviewById(request.ctx, request.params.id));
  app.get('/compliance/access-reviews/:id/evidence', { schema: { tags, summary: 'The campaign’s evidence (CSV)', params: S.IdParams, response: { 200: { description: 'CSV', content: { 'text/csv': { schema: Type.String() } } }, ...errors } } }, async (request, reply) =>
    reply.type('text/csv; charset=utf-8').headers(noStore).header('content-disposition', `attachment; filename="access-review-${request.params.id}.csv"`).send(await exportAccessReviewCsv(request.ctx, request.params.id)),
  );
  app.post('/compliance/access-reviews/run-deadlines', { schema: { tags, summary: 'Revoke now what was not certified by its deadline (the daily job does this too)', response: { 200: S.DeadlineResult, ...errors } } }, async (request) => runAccessReviewDeadlinesNow(request.ctx));
  app.post('/compliance/access-review-items/:id/certify', { schema: { tags, summary: 'Certify an item of a matter you lead: keep, or revoke (applied at once)', params: S.IdParams, body: S.CertifyBody, response: { 200: S.ReviewItemSchema, ...errors } } }, async (request) => certifyReviewItem(request.ctx, request.params.id, request.body.decision));

  // ── summary (for a posture) ──
  app.get('/compliance/summary', { schema: { tags, summary: 'Counts: agreements, training, policies, access reviews (no names)', response: { 200: Summary, ...errors } } }, async (request) => complianceSummary(request.ctx));
}

// The compliance API as the web app sees it: calls through the generated client, shapes from the
// generated schema (server/modules/compliance/compliance.schemas.ts is the source of both).
import { api, apiErrorFrom, data } from '../../api/client';
import type { RequestBody, ResponseBody } from '../../api/types';

export type Policy = ResponseBody<'/api/v1/compliance/policies', 'get'>['items'][number];
export type PolicyDetail = ResponseBody<'/api/v1/compliance/policies/{id}', 'get'>;
export type PolicyInput = RequestBody<'/api/v1/compliance/policies', 'post'>;
export type PolicyContent = PolicyInput['content'];
export type PolicyPatch = RequestBody<'/api/v1/compliance/policies/{id}', 'patch'>;
export type CampaignInput = RequestBody<'/api/v1/compliance/policies/{id}/campaigns', 'post'>;
export type StaffRole = NonNullable<CampaignInput['roles']>[number];
export type MyPolicy = ResponseBody<'/api/v1/compliance/my/policies', 'get'>['items'][number];
export type PolicyText = ResponseBody<'/api/v1/compliance/policies/{id}/versions/{version}', 'get'>;
export type Agreement = ResponseBody<'/api/v1/compliance/agreements', 'get'>['items'][number];
export type AgreementInput = RequestBody<'/api/v1/compliance/agreements', 'post'>;
export type Course = ResponseBody<'/api/v1/compliance/courses', 'get'>['items'][number];
export type CourseInput = RequestBody<'/api/v1/compliance/courses', 'post'>;
export type Completion = ResponseBody<'/api/v1/compliance/completions', 'get'>['items'][number];
export type CompletionInput = RequestBody<'/api/v1/compliance/completions', 'post'>;
export type TrainingStatus = ResponseBody<'/api/v1/compliance/training/status', 'get'>['items'][number];
export type ImportResult = ResponseBody<'/api/v1/compliance/completions/import', 'post'>;
export type Review = ResponseBody<'/api/v1/compliance/access-reviews', 'get'>['items'][number];
export type ReviewDetail = ResponseBody<'/api/v1/compliance/access-reviews/{id}', 'get'>;
export type ReviewItem = ReviewDetail['itemList'][number];
export type ReviewInput = RequestBody<'/api/v1/compliance/access-reviews', 'post'>;
export type Summary = ResponseBody<'/api/v1/compliance/summary', 'get'>;

/** Query keys: every change invalidates everything under `all` (the lists are small). */
export const complianceKeys = {
  all: ['compliance'] as const,
  policies: ['compliance', 'policies'] as const,
  policy: (id: string) => ['compliance', 'policies', id] as const,
  policyText: (id: string, version: number) => ['compliance', 'policies', id, 'text', version] as const,
  myPolicies: ['compliance', 'my', 'policies'] as const,
  myTraining: ['compliance', 'my', 'training'] as const,
  myAgreements: ['compliance', 'my', 'agreements'] as const,
  myReviewItems: ['compliance', 'my', 'review-items'] as const,
  agreements: ['compliance', 'agreements'] as const,
  courses: ['compliance', 'courses'] as const,
  completions: ['compliance', 'completions'] as const,
  trainingStatus: ['compliance', 'training', 'status'] as const,
  reviews: ['compliance', 'reviews'] as const,
  review: (id: string) => ['compliance', 'reviews', id] as const,
  summary: ['compliance', 'summary'] as const,
};

async function blobOf(request: Promise<{ data?: unknown; response: Response }>, what: string): Promise<Blob> {
  const result = await request;
  if (!(result.data instanceof Blob)) throw apiErrorFrom(result.response.status, null, `${what} could not be downloaded`);
  return result.data;
}

const path = (id: string) => ({ params: { path: { id } } });

export const complianceApi = {
  policies: () => data(api.GET('/api/v1/compliance/policies')),
  policy: (id: string) => data(api.GET('/api/v1/compliance/policies/{id}', path(id))),
  createPolicy: (body: PolicyInput) => data(api.POST('/api/v1/compliance/policies', { body })),
  changePolicy: (id: string, body: PolicyPatch) => data(api.PATCH('/api/v1/compliance/policies/{id}', { ...path(id), body })),
  publish: (id: string, content: PolicyContent, changeNote: string | null) => data(api.POST('/api/v1/compliance/policies/{id}/versions', { ...path(id), body: { content, changeNote } })),
  reviewed: (id: string) => data(api.POST('/api/v1/compliance/policies/{id}/reviewed', path(id))),
  campaign: (id: string, body: CampaignInput) => data(api.POST('/api/v1/compliance/policies/{id}/campaigns', { ...path(id), body })),
  text: (id: string, version: number) => data(api.GET('/api/v1/compliance/policies/{id}/versions/{version}', { params: { path: { id, version } } })),
  pdf: (id: string, version: number) => blobOf(api.GET('/api/v1/compliance/policies/{id}/versions/{version}/pdf', { params: { path: { id, version } }, parseAs: 'blob', headers: { accept: '*/*' } }), 'The policy'),
  acknowledge: (id: string, version: number) => data(api.POST('/api/v1/compliance/policies/{id}/acknowledge', { ...path(id), body: { version } })),
  myPolicies: () => data(api.GET('/api/v1/compliance/my/policies')),
  myTraining: () => data(api.GET('/api/v1/compliance/my/training')),
  myAgreements: () => data(api.GET('/api/v1/compliance/my/agreements')),
  myReviewItems: () => data(api.GET('/api/v1/compliance/my/access-review-items')),
  agreements: () => data(api.GET('/api/v1/compliance/agreements')),
  recordAgreement: (body: AgreementInput) => data(api.POST('/api/v1/compliance/agreements', { body })),
  revokeAgreement: (id: string) => data(api.POST('/api/v1/compliance/agreements/{id}/revoke', path(id))),
  agreementDocument: (id: string) => blobOf(api.GET('/api/v1/compliance/agreements/{id}/document', { ...path(id), parseAs: 'blob', headers: { accept: '*/*' } }), 'The agreement'),
  courses: () => data(api.GET('/api/v1/compliance/courses')),
  createCourse: (body: CourseInput) => data(api.POST('/api/v1/compliance/courses', { body })),
  retireCourse: (id: string) => data(api.PATCH('/api/v1/compliance/courses/{id}', { ...path(id), body: { status: 'retired' } })),
  completions: () => data(api.GET('/api/v1/compliance/completions')),
  recordCompletion: (body: CompletionInput) => data(api.POST('/api/v1/compliance/completions', { body })),
  importCompletions: (csv: string) => data(api.POST('/api/v1/compliance/completions/import', { body: { csv } })),
  trainingStatus: () => data(api.GET('/api/v1/compliance/training/status')),
  reviews: () => data(api.GET('/api/v1/compliance/access-reviews')),
  review: (id: string) => data(api.GET('/api/v1/compliance/access-reviews/{id}', path(id))),
  startReview: (body: ReviewInput) => data(api.POST('/api/v1/compliance/access-reviews', { body })),
  evidence: (id: string) => blobOf(api.GET('/api/v1/compliance/access-reviews/{id}/evidence', { ...path(id), parseAs: 'blob', headers: { accept: '*/*' } }), 'The evidence'),
  runDeadlines: () => data(api.POST('/api/v1/compliance/access-reviews/run-deadlines')),
  certify: (id: string, decision: 'keep' | 'revoke') => data(api.POST('/api/v1/compliance/access-review-items/{id}/certify', { ...path(id), body: { decision } })),
  summary: () => data(api.GET('/api/v1/compliance/summary')),
};

/** A file picked in a form, as base64 (for a PDF upload inside the JSON body). */
export async function base64Of(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

// What the start page reads: existing list endpoints, each asked only for what waits on the
// signed-in person (their matters, memos, requests, reviews, approvals, accounts needing care).
import { api, data } from '../../api/client';
import type { ResponseBody } from '../../api/types';

export type MatterItem = ResponseBody<'/api/v1/matters', 'get'>['items'][number];
export type RecentDocument = ResponseBody<'/api/v1/documents/recent', 'get'>['items'][number];
export type PendingWall = ResponseBody<'/api/v1/walls/pending-acknowledgements', 'get'>['walls'][number];
export type AccessRequest = ResponseBody<'/api/v1/access/requests', 'get'>['requests'][number];
export type Approval = ResponseBody<'/api/v1/approvals', 'get'>['approvals'][number];
export type Alerts = ResponseBody<'/api/v1/audit/alerts', 'get'>;
export type BreakGlassSession = ResponseBody<'/api/v1/access/break-glass', 'get'>['sessions'][number];
export type Account = ResponseBody<'/api/v1/users', 'get'>['users'][number];
export type Gate = ResponseBody<'/api/v1/access/gates', 'get'>['gates'][number];

/** How many of each list the start page shows before "show all". */
export const HOME_LIMIT = 5;

export const homeApi = {
  myMatters: () => data(api.GET('/api/v1/matters', { params: { query: { limit: 50 } } })),
  recentDocuments: () => data(api.GET('/api/v1/documents/recent', { params: { query: { limit: HOME_LIMIT } } })),
  pendingMemos: () => data(api.GET('/api/v1/walls/pending-acknowledgements')),
  requestsToDecide: () => data(api.GET('/api/v1/access/requests', { params: { query: { toDecide: true } } })),
  approvalsToDecide: () => data(api.GET('/api/v1/approvals', { params: { query: { toDecide: true } } })),
  openAlerts: () => data(api.GET('/api/v1/audit/alerts', { params: { query: { status: 'open', limit: 50 } } })),
  breakGlassToReview: () => data(api.GET('/api/v1/access/break-glass', { params: { query: { pendingReview: true } } })),
  accounts: () => data(api.GET('/api/v1/users')),
  gates: () => data(api.GET('/api/v1/access/gates')),
};

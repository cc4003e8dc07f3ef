// The access API as the web app sees it: calls through the generated client, shapes from the
// generated schema (server/access/access.schemas.ts is the source of both).
import { api, apiErrorFrom, data } from '../../api/client';
import type { QueryParams, RequestBody, ResponseBody } from '../../api/types';

export type TeamMember = ResponseBody<'/api/v1/matters/{matterId}/team/{userId}', 'put'>;
export type MatterRole = TeamMember['role'];
export const MATTER_ROLE_LABELS: Record<MatterRole, string> = { lead_attorney: 'Lead attorney', attorney: 'Attorney', paralegal: 'Paralegal', assistant: 'Assistant' };
export type Wall = ResponseBody<'/api/v1/walls/{id}', 'get'>;
export type AccessRequest = ResponseBody<'/api/v1/access/requests', 'post'>;
export type BreakGlass = ResponseBody<'/api/v1/access/break-glass', 'post'>;
export type GateSetting = ResponseBody<'/api/v1/access/gates/{gate}', 'put'>;
export type Agreement = ResponseBody<'/api/v1/access/agreements', 'post'>;
export type CouldAccessReport = ResponseBody<'/api/v1/access/reports/could-access', 'get'>;
/** A change filed for a second person's approval (the two-person rule). */
export type Approval = ResponseBody<'/api/v1/approvals/{id}/decide', 'post'>;
export type ApprovalKind = Approval['kind'];
/** What a call answers (202) instead of making the change when a second person must approve it. */
export type PendingApproval = Extract<ResponseBody<'/api/v1/users', 'post'>, { approval: unknown }>;
export type NoticeInput = RequestBody<'/api/v1/walls/{id}/notice', 'post'>;
/** A matter as access shows it: its number always, its title and client name only when you may open it. */
export type MatterLabel = NonNullable<Wall['matter']>;
export type ClientLabel = NonNullable<Wall['client']>;
export type Grant = ResponseBody<'/api/v1/access/grants/{id}/revoke', 'post'>;
export type Decision = ResponseBody<'/api/v1/access/decision', 'get'>;
export type WallTarget = ResponseBody<'/api/v1/walls/target', 'get'>;

export const accessApi = {
  team: (matterId: string) => data(api.GET('/api/v1/matters/{matterId}/team', { params: { path: { matterId } } })),
  setMember: (matterId: string, userId: string, role: MatterRole, expiresAt: number | null) =>
    data(api.PUT('/api/v1/matters/{matterId}/team/{userId}', { params: { path: { matterId, userId } }, body: { role, expiresAt } })),
  removeMember: (matterId: string, userId: string) => data(api.DELETE('/api/v1/matters/{matterId}/team/{userId}', { params: { path: { matterId, userId } } })),
  grants: (clientId: string) => data(api.GET('/api/v1/clients/{clientId}/grants', { params: { path: { clientId } } })),
  /** The grant, or (when the firm requires it) `{ approval }` waiting for a compliance officer. */
  grant: (clientId: string, body: RequestBody<'/api/v1/clients/{clientId}/grants', 'post'>) => data(api.POST('/api/v1/clients/{clientId}/grants', { params: { path: { clientId } }, body })),
  revokeGrant: (id: string) => data(api.POST('/api/v1/access/grants/{id}/revoke', { params: { path: { id } } })),
  walls: (active?: boolean) => data(api.GET('/api/v1/walls', { params: { query: { active } } })),
  wall: (id: string) => data(api.GET('/api/v1/walls/{id}', { params: { path: { id } } })),
  createWall: (body: RequestBody<'/api/v1/walls', 'post'>) => data(api.POST('/api/v1/walls', { body })),
  /** The lifted wall, or (two-person rule) `{ approval }` waiting for a second compliance officer. */
  liftWall: (id: string) => data(api.POST('/api/v1/walls/{id}/lift', { params: { path: { id } } })),
  wallTarget: (query: QueryParams<'/api/v1/walls/target', 'get'>) => data(api.GET('/api/v1/walls/target', { params: { query } })),
  /** Whether you may open a matter (recorded as a decision query); names the wall whose memo you must acknowledge first. */
  decision: (query: QueryParams<'/api/v1/access/decision', 'get'>) => data(api.GET('/api/v1/access/decision', { params: { query } })),
  acknowledge: (id: string) => data(api.POST('/api/v1/walls/{id}/acknowledge', { params: { path: { id } } })),
  pendingAcknowledgements: () => data(api.GET('/api/v1/walls/pending-acknowledgements')),
  requests: (toDecide: boolean) => data(api.GET('/api/v1/access/requests', { params: { query: toDecide ? { toDecide } : {} } })),
  createRequest: (body: RequestBody<'/api/v1/access/requests', 'post'>) => data(api.POST('/api/v1/access/requests', { body })),
  decide: (id: string, decision: 'approve' | 'refuse', expiresAt: number | null) => data(api.POST('/api/v1/access/requests/{id}/decide', { params: { path: { id } }, body: { decision, expiresAt } })),
  startBreakGlass: (body: RequestBody<'/api/v1/access/break-glass', 'post'>) => data(api.POST('/api/v1/access/break-glass', { body })),
  myBreakGlass: () => data(api.GET('/api/v1/access/break-glass/mine')),
  breakGlass: (pendingReview: boolean) => data(api.GET('/api/v1/access/break-glass', { params: { query: pendingReview ? { pendingReview } : {} } })),
  review: (id: string, outcome: 'justified' | 'unjustified', note: string) => data(api.POST('/api/v1/access/break-glass/{id}/review', { params: { path: { id } }, body: { outcome, note } })),
  gates: () => data(api.GET('/api/v1/access/gates')),
  setGate: (gate: string, enabled: boolean) => data(api.PUT('/api/v1/access/gates/{gate}', { params: { path: { gate } }, body: { enabled } })),
  agreements: () => data(api.GET('/api/v1/access/agreements')),
  recordAgreement: (body: RequestBody<'/api/v1/access/agreements', 'post'>) => data(api.POST('/api/v1/access/agreements', { body })),
  approvals: (toDecide: boolean) => data(api.GET('/api/v1/approvals', { params: { query: toDecide ? { toDecide } : {} } })),
  decideApproval: (id: string, decision: 'approve' | 'reject') => data(api.POST('/api/v1/approvals/{id}/decide', { params: { path: { id } }, body: { decision } })),
  cancelApproval: (id: string) => data(api.POST('/api/v1/approvals/{id}/cancel', { params: { path: { id } } })),
  couldAccess: (query: QueryParams<'/api/v1/access/reports/could-access', 'get'>) => data(api.GET('/api/v1/access/reports/could-access', { params: { query } })),
  /** The screening notice PDF: the same client, read as a Blob. */
  notice: async (id: string, body: NoticeInput): Promise<Blob> => {
    const result = await api.POST('/api/v1/walls/{id}/notice', { params: { path: { id } }, body, parseAs: 'blob', headers: { accept: 'application/pdf' } });
    if (!(result.data instanceof Blob)) throw apiErrorFrom(result.response.status, null, 'Could not build the notice');
    return result.data;
  },
};

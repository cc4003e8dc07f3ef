// The consent API as the web app sees it: calls through the generated client, shapes from the
// generated schema (server/modules/consent/consent.schemas.ts is the source of both).
import { api, apiErrorFrom, data } from '../../api/client';
import type { ArchiveProtection } from '../../components';
import type { QueryParams, RequestBody, ResponseBody } from '../../api/types';

export type Notice = ResponseBody<'/api/v1/notices/{noticeId}', 'get'>;
export type NoticeInput = RequestBody<'/api/v1/notices', 'post'>;
export type NoticeContent = NoticeInput['content'];
export type Consent = ResponseBody<'/api/v1/consents/{consentId}', 'get'>;
export type ConsentInput = RequestBody<'/api/v1/clients/{clientId}/consents', 'post'>;
export type Disclosure = ResponseBody<'/api/v1/disclosures/{disclosureId}', 'get'>;
export type DisclosureInput = RequestBody<'/api/v1/disclosures', 'post'>;
export type DisclosureStatus = Disclosure['status'];
export type ExecutedDisclosure = ResponseBody<'/api/v1/disclosures/{disclosureId}/execute', 'post'>;
export type DisclosureFilter = Omit<QueryParams<'/api/v1/disclosures', 'get'>, 'format'>;
export type ShareInfo = ResponseBody<'/api/v1/shares/open', 'post'>;
export type ShareItem = ResponseBody<'/api/v1/shares/items', 'get'>['items'][number];
export type MatterSummary = ResponseBody<'/api/v1/matters', 'get'>['items'][number];
export type MatterDocument = ResponseBody<'/api/v1/matters/{matterId}/documents', 'get'>['items'][number];
export type MatterNote = ResponseBody<'/api/v1/matters/{matterId}/notes', 'get'>['items'][number];

/** What the recipient's page holds once the e-mail is proved: the token and the session, both only in memory. */
export interface ShareSession {
  token: string;
  session: string;
}

const shareHeaders = (s: ShareSession) => ({ 'x-share-token': s.token, 'x-share-session': s.session });

/** A query string of the filters that are set (ids only: no client content goes in a URL). */
function queryString(values: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) if (value) params.set(key, value);
  const text = params.toString();
  return text ? `?${text}` : '';
}

export const consentApi = {
  notices: () => data(api.GET('/api/v1/notices')),
  notice: (noticeId: string) => data(api.GET('/api/v1/notices/{noticeId}', { params: { path: { noticeId } } })),
  createNotice: (body: NoticeInput) => data(api.POST('/api/v1/notices', { body })),
  updateNotice: (noticeId: string, body: NoticeInput) => data(api.PATCH('/api/v1/notices/{noticeId}', { params: { path: { noticeId } }, body })),
  publishNotice: (noticeId: string) => data(api.POST('/api/v1/notices/{noticeId}/publish', { params: { path: { noticeId } } })),

  consents: (clientId: string) => data(api.GET('/api/v1/clients/{clientId}/consents', { params: { path: { clientId } } })),
  recordConsent: (clientId: string, body: ConsentInput) => data(api.POST('/api/v1/clients/{clientId}/consents', { params: { path: { clientId } }, body })),
  withdrawConsent: (consentId: string) => data(api.POST('/api/v1/consents/{consentId}/withdraw', { params: { path: { consentId } } })),
  expiring: (days: number) => data(api.GET('/api/v1/consents/expiring', { params: { query: { days } } })),

  /** The register as JSON (the route also answers CSV, for the download link: a string here would be a server fault). */
  disclosures: async (filter: DisclosureFilter = {}) => {
    const body = await data(api.GET('/api/v1/disclosures', { params: { query: filter } }));
    if (typeof body === 'string') throw apiErrorFrom(500, null, 'The register came back in the wrong format');
    return body;
  },
  disclosure: (disclosureId: string) => data(api.GET('/api/v1/disclosures/{disclosureId}', { params: { path: { disclosureId } } })),
  requestDisclosure: (body: DisclosureInput) => data(api.POST('/api/v1/disclosures', { body })),
  approve: (disclosureId: string) => data(api.POST('/api/v1/disclosures/{disclosureId}/approve', { params: { path: { disclosureId } } })),
  execute: (disclosureId: string, body: { expiresInDays?: number; downloadLimit?: number }) => data(api.POST('/api/v1/disclosures/{disclosureId}/execute', { params: { path: { disclosureId } }, body })),
  /** The age package of an executed age-package disclosure (needs a fresh second factor: STEP_UP_REQUIRED otherwise). */
  package: async (disclosureId: string, protection: ArchiveProtection): Promise<Blob> => {
    const result = await api.POST('/api/v1/disclosures/{disclosureId}/package', { params: { path: { disclosureId } }, body: protection, parseAs: 'blob', headers: { accept: '*/*' } });
    if (!(result.data instanceof Blob)) throw apiErrorFrom(result.response.status, null, 'The package could not be made');
    return result.data;
  },
  revoke: (disclosureId: string) => data(api.POST('/api/v1/disclosures/{disclosureId}/revoke', { params: { path: { disclosureId } } })),

  // What the forms choose among: the client's matters, a matter's documents and notes (the vault's routes).
  mattersOfClient: (clientId: string) => data(api.GET('/api/v1/matters', { params: { query: { limit: 100, clientId } } })),
  matter: (matterId: string) => data(api.GET('/api/v1/matters/{matterId}', { params: { path: { matterId } } })),
  documents: (matterId: string) => data(api.GET('/api/v1/matters/{matterId}/documents', { params: { path: { matterId }, query: { limit: 200 } } })),
  notes: (matterId: string) => data(api.GET('/api/v1/matters/{matterId}/notes', { params: { path: { matterId }, query: { limit: 200 } } })),

  // The recipient's side (public: the token from the link's fragment is their only authorization).
  openShare: (token: string) => data(api.POST('/api/v1/shares/open', { body: { token } })),
  sendShareCode: (token: string) => data(api.POST('/api/v1/shares/code', { body: { token } })),
  verifyShare: (token: string, code: string) => data(api.POST('/api/v1/shares/verify', { body: { token, code } })),
  shareItems: (share: ShareSession) => data(api.GET('/api/v1/shares/items', { params: { header: shareHeaders(share) } })),
  shareItemContent: async (share: ShareSession, itemId: string): Promise<Blob> => {
    const result = await api.GET('/api/v1/shares/items/{itemId}/content', { params: { path: { itemId }, header: shareHeaders(share) }, parseAs: 'blob', headers: { accept: '*/*' } });
    if (!(result.data instanceof Blob)) throw apiErrorFrom(result.response.status, null, 'The file could not be downloaded');
    return result.data;
  },
};

/** The register as CSV, for a plain link (the browser downloads it with the session cookie). */
export const registerCsvUrl = (filter: DisclosureFilter) =>
  `/api/v1/disclosures${queryString({ format: 'csv', clientId: filter.clientId, matterId: filter.matterId, status: filter.status, basis: filter.basis, recipientCategory: filter.recipientCategory })}`;

/** A matter's privilege log as CSV or PDF, for a plain link. */
export const privilegeLogUrl = (matterId: string, format: 'csv' | 'pdf') => `/api/v1/matters/${encodeURIComponent(matterId)}/privilege-log?format=${format}`;

/** A document's current content, for a plain link (the signed form, the supporting order). */
export const documentContentUrl = (documentId: string) => `/api/v1/documents/${encodeURIComponent(documentId)}/content`;

/** Saves a Blob the page fetched as a file (the recipient's downloads). */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked after the click has been handled, so the download has its bytes.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

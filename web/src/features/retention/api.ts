// The retention API as the web app sees it: calls through the generated client, shapes from the
// generated schema (server/modules/retention/retention.schemas.ts is the source of both).
import { api, apiErrorFrom, data } from '../../api/client';
import type { RequestBody, ResponseBody } from '../../api/types';
import type { paths } from '../../api/schema';

/** A status of the disposition queue, as the API names them. */
export type DispositionStatus = NonNullable<NonNullable<paths['/api/v1/dispositions']['get']['parameters']['query']>['status']>;

export type Schedule = ResponseBody<'/api/v1/retention/schedules', 'get'>['items'][number];
export type ScheduleInput = RequestBody<'/api/v1/retention/schedules', 'post'>;
export type Trigger = Schedule['trigger'];
export type Action = Schedule['action'];
export type Minimum = ResponseBody<'/api/v1/retention/minimums', 'get'>['items'][number];
export type MinimumInput = RequestBody<'/api/v1/retention/minimums', 'post'>;
export type Preview = ResponseBody<'/api/v1/retention/preview', 'get'>;
export type PreviewItem = Preview['items'][number];
export type ItemType = PreviewItem['itemType'];
export type RunResult = ResponseBody<'/api/v1/retention/run', 'post'>;
export type Disposition = ResponseBody<'/api/v1/dispositions/{id}', 'get'>;
export type ApproveInput = RequestBody<'/api/v1/dispositions/{id}/approve', 'post'>;
export type PhysicalInput = RequestBody<'/api/v1/dispositions/{id}/physical-destruction', 'post'>;
export type PhysicalMethod = PhysicalInput['method'];
export type Certificate = ResponseBody<'/api/v1/certificates', 'get'>['items'][number];
export type TerminationStatus = ResponseBody<'/api/v1/clients/{clientId}/termination', 'get'>;
export type Termination = NonNullable<TerminationStatus['termination']>;
export type TerminationInput = RequestBody<'/api/v1/clients/{clientId}/termination', 'post'>;

/** Query keys: every change invalidates the lists it touches. */
export const retentionKeys = {
  all: ['retention'] as const,
  schedules: ['retention', 'schedules'] as const,
  minimums: ['retention', 'minimums'] as const,
  preview: (on: string) => ['retention', 'preview', on] as const,
  dispositions: ['retention', 'dispositions'] as const,
  dispositionsBy: (status: string | undefined) => ['retention', 'dispositions', status ?? 'all'] as const,
  certificates: ['retention', 'certificates'] as const,
  termination: (clientId: string) => ['retention', 'termination', clientId] as const,
  portalCertificates: ['portal', 'certificates'] as const,
};

/** A binary answer (PDF, or a certificate's JSON exactly as signed) as a Blob. */
async function blobOf(request: Promise<{ data?: unknown; response: Response }>, what: string): Promise<Blob> {
  const result = await request;
  if (!(result.data instanceof Blob)) throw apiErrorFrom(result.response.status, null, `${what} could not be downloaded`);
  return result.data;
}

export const retentionApi = {
  schedules: () => data(api.GET('/api/v1/retention/schedules')),
  createSchedule: (body: ScheduleInput) => data(api.POST('/api/v1/retention/schedules', { body })),
  changeSchedule: (id: string, body: Partial<ScheduleInput>) =>
    data(
      api.PATCH('/api/v1/retention/schedules/{id}', {
        params: { path: { id } },
        body,
      }),
    ),
  retireSchedule: (id: string) =>
    data(
      api.POST('/api/v1/retention/schedules/{id}/retire', {
        params: { path: { id } },
      }),
    ),
  minimums: () => data(api.GET('/api/v1/retention/minimums')),
  createMinimum: (body: MinimumInput) => data(api.POST('/api/v1/retention/minimums', { body })),
  deleteMinimum: (id: string) =>
    data(
      api.DELETE('/api/v1/retention/minimums/{id}', {
        params: { path: { id } },
      }),
    ),

  preview: (on: string) => data(api.GET('/api/v1/retention/preview', { params: { query: { on } } })),
  run: () => data(api.POST('/api/v1/retention/run')),

  dispositions: (status?: DispositionStatus) =>
    data(
      api.GET('/api/v1/dispositions', {
        params: { query: status ? { status } : {} },
      }),
    ),
  approve: (id: string, body: ApproveInput) =>
    data(
      api.POST('/api/v1/dispositions/{id}/approve', {
        params: { path: { id } },
        body,
      }),
    ),
  extend: (id: string, body: { days: number; reason: string }) =>
    data(
      api.POST('/api/v1/dispositions/{id}/extend', {
        params: { path: { id } },
        body,
      }),
    ),
  physical: (id: string, body: PhysicalInput) =>
    data(
      api.POST('/api/v1/dispositions/{id}/physical-destruction', {
        params: { path: { id } },
        body,
      }),
    ),

  certificates: () => data(api.GET('/api/v1/certificates')),
  certificateJson: (id: string) =>
    blobOf(
      api.GET('/api/v1/certificates/{id}', {
        params: { path: { id } },
        parseAs: 'blob',
      }),
      'The certificate',
    ),
  certificatePdf: (id: string) =>
    blobOf(
      api.GET('/api/v1/certificates/{id}/pdf', {
        params: { path: { id } },
        parseAs: 'blob',
        headers: { accept: 'application/pdf' },
      }),
      'The certificate',
    ),

  termination: (clientId: string) =>
    data(
      api.GET('/api/v1/clients/{clientId}/termination', {
        params: { path: { clientId } },
      }),
    ),
  terminate: (clientId: string, body: TerminationInput) =>
    data(
      api.POST('/api/v1/clients/{clientId}/termination', {
        params: { path: { clientId } },
        body,
      }),
    ),

  // The client's own, in the portal.
  portalCertificates: () => data(api.GET('/api/v1/portal/certificates')),
  portalCertificateJson: (id: string) =>
    blobOf(
      api.GET('/api/v1/portal/certificates/{id}', {
        params: { path: { id } },
        parseAs: 'blob',
      }),
      'The certificate',
    ),
  portalCertificatePdf: (id: string) =>
    blobOf(
      api.GET('/api/v1/portal/certificates/{id}/pdf', {
        params: { path: { id } },
        parseAs: 'blob',
        headers: { accept: 'application/pdf' },
      }),
      'The certificate',
    ),
  portalLetter: () =>
    blobOf(
      api.GET('/api/v1/portal/end-of-engagement-letter', {
        parseAs: 'blob',
        headers: { accept: 'application/pdf' },
      }),
      'The letter',
    ),
};

/** The end-of-engagement letter of a client, for a plain link (the browser saves it with the session cookie). */
export const terminationLetterUrl = (clientId: string) => `/api/v1/clients/${encodeURIComponent(clientId)}/termination/letter`;

// The backup API as the web app sees it: calls through the generated client, shapes from the
// generated schema (server/modules/backup/backup.routes.ts declares both).
import { api, data } from '../../api/client';
import type { ResponseBody } from '../../api/types';

export type BackupStatus = ResponseBody<'/api/v1/backups', 'get'>;
export type BackupRun = BackupStatus['runs'][number];
export type RunKind = 'backup' | 'drill';

export const backupApi = {
  status: () => data(api.GET('/api/v1/backups')),
  run: (kind: RunKind) => data(api.POST('/api/v1/backups/run', { body: { kind } })),
};

/**
 * vault: clients, matters, documents (versions, classification, privilege), notes and physical
 * records — every identifying value sealed under the owning client's key, every use case behind
 * the access choke point. See docs/vault.md.
 */
import type { ConfidantModule } from '../../platform/module.js';
import { JOB_SWEEP_BLOBS, sweepOrphanBlobs } from './blob-sweeper.js';
import { clientsRoutes } from './clients.routes.js';
import { documentsRoutes } from './documents.routes.js';
import { exportRoutes } from './export.routes.js';
import { mattersRoutes } from './matters.routes.js';
import { notesRoutes } from './notes.routes.js';
import { recordsRoutes } from './records.routes.js';

/** Clients. Throw ACCESS_DENIED (404), KEY_DESTROYED (410), SEALED (503). */
export { createClient, findClients, getClientById, updateClient, type ClientView, type ClientSummary } from './clients.service.js';
/** Matters. Throw ACCESS_DENIED, CONFLICT (number taken), KEY_DESTROYED, SEALED. */
export { createMatter, findMatters, getMatterById, updateMatter, type MatterView } from './matters.service.js';
/** Documents. Throw ACCESS_DENIED, PAYLOAD_TOO_LARGE, INTEGRITY_ERROR (502), RANGE_NOT_SATISFIABLE, KEY_DESTROYED, SEALED. */
export { addDocumentVersion, findDocuments, getDocumentById, openDocumentContent, reencryptClientDocuments, updateDocument, uploadDocument, type DocumentView } from './documents.service.js';
export { createNote, deleteNote, findNotes, getNoteById, updateNote, type NoteView } from './notes.service.js';
export { createRecord, findRecords, getRecordById, moveRecord, type RecordView } from './records.service.js';
/** Client export as an age archive (client.export + step-up). */
export { exportClient, prepareClientExport } from './export.service.js';

export const vaultModule: ConfidantModule = {
  name: 'vault',
  routes: async (app, services) => {
    await clientsRoutes(app);
    await mattersRoutes(app);
    await documentsRoutes(app, services);
    await notesRoutes(app);
    await recordsRoutes(app);
    await exportRoutes(app);
  },
  start: async (services) => {
    services.jobs.register(JOB_SWEEP_BLOBS, async () => void (await sweepOrphanBlobs(services)), { retryLimit: 2 });
    services.jobs.schedule(JOB_SWEEP_BLOBS, 6 * 3_600_000);
  },
};

/** Removes document blobs no version references (older than a grace period). */
export { sweepOrphanBlobs } from './blob-sweeper.js';

/**
 * vault: clients, matters, documents (versions, classification, privilege), notes and physical
 * records — every identifying value sealed under the owning client's key, every use case behind
 * the access choke point. See docs/vault.md.
 */
import type { ConfidantModule } from '../../platform/module.js';
import { JOB_SWEEP_BLOBS, sweepOrphanBlobs } from './blob-sweeper.js';
import { clientsRoutes } from './clients.routes.js';
import { conflictsRoutes } from './conflicts.routes.js';
import { backfillConflictIndex } from './conflicts.service.js';
import { documentsRoutes } from './documents.routes.js';
import { exportRoutes } from './export.routes.js';
import { mattersRoutes } from './matters.routes.js';
import { notesRoutes } from './notes.routes.js';
import { PARTY_RESOLVER, wipePartyIndexesOfClient } from './parties.repository.js';
import { partiesRoutes } from './parties.routes.js';
import { recordsRoutes } from './records.routes.js';
import { refuseShredUnderHold } from './documents.repository.js';
import { PARENT_RESOLVERS } from './vault.repository.js';
import { JOB_REINDEX, REINDEX_INTERVAL_MS, reindexBlindIndexes, wipeClientIndexes } from './vault.reindex.js';
import { JOB_MIGRATE_OBJECT_KEYS, MIGRATE_OBJECT_KEYS_INTERVAL_MS, migrateBlobsToObjectKeys, stopObjectKeyMigration } from './object-keys.migration.js';
import { vaultLabeler } from './vault.labels.js';

/** Clients. Throw ACCESS_DENIED (404), KEY_DESTROYED (410), SEALED (503); lists and searches AUDIT_UNAVAILABLE (503) when their event cannot be recorded. */
export { createClient, findClients, getClientById, updateClient } from './clients.service.js';
/** The API shapes (allowlists of row fields) the use cases return. */
export type { ClientSummary, ClientView, DocumentView, MatterView, NoteView, RecentDocumentView, RecordView } from './vault.presenter.js';
/** Matters. Throw ACCESS_DENIED, VALIDATION_FAILED, CONFLICT (closed / not closed; no free number), KEY_DESTROYED, SEALED, AUDIT_UNAVAILABLE. */
export { closeMatter, createMatter, findMatters, getMatterById, reopenMatter, updateMatter } from './matters.service.js';
/** Parties of a client or matter. Throw ACCESS_DENIED, KEY_DESTROYED, SEALED. */
export { addParty, deleteParty, updateParty } from './parties.service.js';
/** The conflict check at intake: the compliance officer's queue and decisions (conflict.review), the requester's own intakes. Throw ACCESS_DENIED (404), VALIDATION_FAILED, CONFLICT (decided), AUDIT_UNAVAILABLE. */
export { decideConflictCheck, findConflictChecks, findMyIntakeRequests, getConflictCheckById } from './conflicts.service.js';
/** Documents. Throw ACCESS_DENIED, PAYLOAD_TOO_LARGE, DOCUMENT_EMPTY (400), DOCUMENT_TRASHED (409), LEGAL_HOLD (409: rename, classify, new version, trash under a legal hold), INTEGRITY_ERROR (502), RANGE_NOT_SATISFIABLE, KEY_DESTROYED, SEALED; findRecentDocuments AUDIT_UNAVAILABLE. */
export { addDocumentVersion, documentSummariesOfClient, type DocumentSummary, findDocuments, findRecentDocuments, getDocumentById, openDocumentContent, reencryptClientDocuments, restoreDocument, trashDocument, updateDocument, uploadDocument } from './documents.service.js';
/** Notes. Throw ACCESS_DENIED, VALIDATION_FAILED, CONFLICT (lost update), LEGAL_HOLD (409: update, delete under a legal hold), KEY_DESTROYED, SEALED. */
export { createNote, deleteNote, findNotes, getNoteById, updateNote } from './notes.service.js';
export { createRecord, findRecords, getRecordById, moveRecord } from './records.service.js';
/**
 * Legal holds as the vault asks them (the retention module owns holds): `provides.vault.heldItems`
 * says which of a matter's documents, notes and records are held; the composition root installs it.
 * Every edit or removal of a held item is refused with 409 LEGAL_HOLD, audited.
 */
export { installVaultProvisions, type HeldItem, type VaultProvisions } from './vault.holds.js';
/** The HTTP side of files, for modules with their own upload and download routes (the portal). */
export { acceptStreamingUploads, documentName, requireOctetStream, sendDocumentContent, uploadStream } from './documents.http.js';
/** Every document of an authorized client with a way to open its current version (a module's own archive: the portal's export). */
export { documentsOfClientForExport, type ExportedDocument } from './documents.service.js';
/** Client export as an age archive (client.export + step-up). */
export { exportClient, prepareClientExport, EXPORT_PASSPHRASE_MIN_LENGTH, type ExportProtection } from './export.service.js';


export const vaultModule: ConfidantModule = {
  name: 'vault',
  // The choke point finds the matter of a document, note or record itself.
  provides: {
    access: { parentResolvers: { ...PARENT_RESOLVERS, party: PARTY_RESOLVER }, labeler: () => vaultLabeler },
    // Shredding a client's keys wipes its blind indexes in the same transaction; a legal hold on
    // any of its documents refuses shredding (request and execution alike).
    keys: { onShredded: [wipeClientIndexes, wipePartyIndexesOfClient], shredGuards: [refuseShredUnderHold] },
  },
  routes: async (app, services) => {
    await clientsRoutes(app);
    await mattersRoutes(app);
    await documentsRoutes(app, services);
    await notesRoutes(app);
    await recordsRoutes(app);
    await exportRoutes(app);
    await partiesRoutes(app);
    await conflictsRoutes(app);
  },
  start: async (services) => {
    services.jobs.register(JOB_SWEEP_BLOBS, async () => void (await sweepOrphanBlobs(services)), { retryLimit: 2 });
    services.jobs.schedule(JOB_SWEEP_BLOBS, 6 * 3_600_000);
    services.jobs.register(JOB_REINDEX, async () => void (await reindexBlindIndexes(services)), { retryLimit: 2 });
    services.jobs.schedule(JOB_REINDEX, REINDEX_INTERVAL_MS);
    // Once now, before serving (rows from before per-client indexes); sealed instances: the scheduled run after unseal.
    await reindexBlindIndexes(services).catch((error: unknown) => services.logger.error({ err: error instanceof Error ? error.message.slice(0, 200) : 'unknown' }, 'blind index re-index failed; retried by its job'));
    // Clients from before the conflict check get their conflict-key token (idempotent; retried at the next start).
    await backfillConflictIndex(services).catch((error: unknown) => services.logger.error({ err: error instanceof Error ? error.message.slice(0, 200) : 'unknown' }, 'conflict index backfill failed; retried at the next start'));
    // Legacy blobs (under the client key alone) move to object keys: once now — in the background,
    // since re-encrypting a firm's documents may take long; stop waits for it — and hourly (sealed
    // instances: the scheduled run after unseal).
    services.jobs.register(JOB_MIGRATE_OBJECT_KEYS, async () => void (await migrateBlobsToObjectKeys(services)), { retryLimit: 2 });
    services.jobs.schedule(JOB_MIGRATE_OBJECT_KEYS, MIGRATE_OBJECT_KEYS_INTERVAL_MS);
    void migrateBlobsToObjectKeys(services).catch((error: unknown) => services.logger.error({ err: error instanceof Error ? error.message.slice(0, 200) : 'unknown' }, 'object key migration failed; retried by its job'));
  },
  stop: async (services) => stopObjectKeyMigration(services),
};

/** Ids, numbers, statuses and dates of the whole vault (or one client), for the retention run and preview only (after retention.manage on the firm). */
export { unsafeClientNumbers, unsafeRetentionFacts, type RetentionFacts } from './retention-facts.repository.js';

/**
 * Moves legacy document blobs (encrypted under the client key alone) to per-object keys: one short
 * transaction per version, audited `document.reencrypt` (reason OBJECT_KEY); idempotent and
 * resumable. System actor. Returns `{ migrated, skipped, failed }`. Throws AUDIT_UNAVAILABLE.
 */
export { migrateBlobsToObjectKeys, type ObjectKeyMigrationResult } from './object-keys.migration.js';
/**
 * For the retention module, after its own access decision (system actor): inventories (ids,
 * numbers, statuses, dates — nothing sealed) and the destruction primitives, each in `ctx`'s
 * transaction. Destruction asks the legal-hold provisions again (LEGAL_HOLD, 409) and returns the
 * blob ids for the caller to delete after its commit. See destruction.service.ts for each one's
 * errors: MATTER_NOT_FOUND / DOCUMENT_NOT_FOUND / RECORD_NOT_FOUND / CLIENT_NOT_FOUND (404),
 * RECORD_CHECKED_OUT (409), CONFLICT (the current version in a subset), VALIDATION_FAILED,
 * KEY_DESTROYED (anonymising a shredded client), SEALED, AUDIT_UNAVAILABLE.
 */
export {
  unsafeAnonymiseClient,
  unsafeClientInventory,
  unsafeDestroyDocumentVersions,
  unsafeDestroyMatterContent,
  unsafeMarkRecordDestroyed,
  unsafeMatterInventory,
  unsafeSetClientEnded,
  type ClientInventory,
  type DestructionResult,
  type InventoryDocument,
  type InventoryVersion,
  type MatterInventory,
} from './destruction.service.js';
/** Removes document blobs no version references (older than a grace period). */
export { sweepOrphanBlobs } from './blob-sweeper.js';
/** Reads and decrypts every live document version (the drill of a restored backup); lists failures, never throws for one. */
export { unsafeCheckDocumentIntegrity, type IntegrityReport } from './integrity.service.js';
/** Classification and privilege by document id, for an incident's scope counts (no access decision: the caller's). */
export { unsafeDocumentClassifications } from './documents.repository.js';
/** Recomputes blind indexes still under the old firm-wide key with each client's own key (idempotent, audited `vault.reindex`). Throws AUDIT_UNAVAILABLE. */
export { reindexBlindIndexes, type ReindexResult } from './vault.reindex.js';

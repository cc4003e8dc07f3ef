/** Signed checkpoints: made periodically and on demand, stored append-only, witnessed outside. */
import { appendFileSync } from 'node:fs';
import type { AppServices } from '../platform/context.js';
import { findCheckpointCovering, findCheckpointOfSize, findLatestCheckpoint, insertCheckpointOnce, listCheckpointRows, type CheckpointRow } from './checkpoints.repository.js';
import { readTreeHead } from './log.js';
import { auditSettings } from './settings.js';
import { loadSigningKey, signCheckpoint } from './signing.js';

export interface Checkpoint {
  size: number;
  root: Buffer;
  note: string;
  createdAt: number;
}

type CheckpointListener = (checkpoint: Checkpoint, services: AppServices) => void;
const listeners = new Set<CheckpointListener>();

/** Called for each new checkpoint (sinks push it to the SIEM as a witness). */
export function onCheckpoint(listener: CheckpointListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * Signs the current tree head unless a checkpoint of that size exists already. Returns the
 * checkpoint for the current head either way.
 */
export async function createCheckpoint(services: AppServices): Promise<Checkpoint> {
  const key = loadSigningKey(services.config.dataDir);
  const db = services.database.db;
  const head = await readTreeHead(db);
  const existing = await findCheckpointOfSize(db, head.size);
  if (existing) return toCheckpoint(existing);
  const checkpoint: Checkpoint = { size: head.size, root: head.root, note: signCheckpoint(key, head.size, head.root), createdAt: services.clock.now() };
  // Another node may have signed the same size concurrently: keep whichever landed first.
  if (!(await insertCheckpointOnce(db, { size: checkpoint.size, root: checkpoint.root, note: checkpoint.note, created_at: checkpoint.createdAt }))) {
    const winner = await findCheckpointOfSize(db, head.size);
    if (!winner) throw new Error('audit checkpoint missing after a conflicting insert');
    return toCheckpoint(winner);
  }
  await witness(services, checkpoint);
  return checkpoint;
}

async function witness(services: AppServices, checkpoint: Checkpoint): Promise<void> {
  const settings = auditSettings(services.config);
  if (settings.witnessFile) {
    try {
      appendFileSync(settings.witnessFile, `${checkpoint.note}\n`, { mode: 0o600 });
    } catch (error) {
      services.logger.error({ err: error instanceof Error ? error.message : 'unknown' }, 'audit checkpoint witness file not writable');
    }
  }
  if (settings.mailCheckpoints && settings.complianceEmail) {
    await services.mailer
      .send({ to: settings.complianceEmail, subject: `Audit log checkpoint ${checkpoint.size}`, text: `Keep this signed checkpoint outside Confidant:\n\n${checkpoint.note}` })
      .catch((error: unknown) => services.logger.error({ err: error instanceof Error ? error.message : 'unknown' }, 'audit checkpoint mail failed'));
  }
  for (const listener of listeners) listener(checkpoint, services);
}

function toCheckpoint(row: CheckpointRow): Checkpoint {
  return { size: Number(row.size), root: Buffer.from(row.root), note: row.note, createdAt: Number(row.created_at) };
}

export async function latestCheckpoint(services: AppServices): Promise<Checkpoint | null> {
  const row = await findLatestCheckpoint(services.database.db);
  return row ? toCheckpoint(row) : null;
}

/** The smallest checkpoint covering `treeSize` leaves or more (what a report cites). */
export async function checkpointCovering(services: AppServices, treeSize: number): Promise<Checkpoint | null> {
  const row = await findCheckpointCovering(services.database.db, treeSize);
  return row ? toCheckpoint(row) : null;
}

export async function listCheckpoints(services: AppServices): Promise<Checkpoint[]> {
  return (await listCheckpointRows(services.database.db)).map(toCheckpoint);
}

import type { FastifyInstance } from 'fastify';
import type { AppServices } from './context.js';

/**
 * What each domain module hands the composition root: its routes (mounted under /api/v1) and
 * what it starts and stops (scheduled jobs, caches).
 */
export interface ConfidantModule extends ModuleLifecycle {
  name: string;
  /** What the module plugs into others; the composition root installs it per instance. */
  provides?: ModuleProvisions;
  routes?: (app: FastifyInstance, services: AppServices) => Promise<void>;
  start?: (services: AppServices) => Promise<void>;
  stop?: (services: AppServices) => Promise<void>;
}

export interface ModuleLifecycle {
  /**
   * One-time setup when an instance is created (`confidant init`, or the first `npm start`), after
   * migrations: generate keys, and so on. Returns lines for the operator to read.
   */
  init?: (services: AppServices) => Promise<string[]>;
  /** Lines printed each time the server starts (e.g. the first-administrator setup link). */
  startupNotes?: (services: AppServices) => Promise<string[]>;
}

/**
 * What modules plug into each other (gates and the user directory into access, hooks into audit,
 * shred guards into keys …). Empty here: each consumer adds its own part by augmenting this
 * interface (`declare module '…/platform/module.js'`), so platform knows none of their types.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ModuleProvisions {}

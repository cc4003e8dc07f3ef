import type { FastifyInstance } from 'fastify';
import type { AppServices } from '../platform/context.js';

/** Routes for teams, walls, grants, requests, break-glass, reports and gate settings. */
export async function accessRoutes(app: FastifyInstance, services: AppServices): Promise<void> {
  void app;
  void services;
}

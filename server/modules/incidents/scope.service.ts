/**
 * An incident's scope from the audit log: every client, matter and document the compromised
 * actors (or requests from an address range) touched in a window, with counts of the documents by
 * classification and privilege — computed by indexed range scans, stored with the incident, and
 * frozen when it is assessed. Titles are resolved per viewer (scope.labels.ts).
 */
import { isIP } from 'node:net';
import { activityScope, recordEvent } from '../../audit/index.js';
import type { RequestContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { unsafeDocumentClassifications } from '../vault/index.js';
import { changeIncident, recordIncidentStep } from './incidents.service.js';
import type { FrozenScope } from './scope.labels.js';

export type { FrozenScope } from './scope.labels.js';

export interface ScopeInput {
  actorIds: string[];
  /** An address (`203.0.113.7`, an IPv6 address) or an IPv4 range on an octet boundary (`203.0.113.0/24`, `/16`, `/8`). */
  ipRange?: string;
  since: number;
  until: number;
}

const field = (path: string, message: string) => new AppError('VALIDATION_FAILED', `${path.replace(/^body\./, '')} ${message}`, [{ path, message }]);

/** `ipRange` as the audit log's filter: an exact address, or the prefix of an octet-aligned IPv4 range. 400 naming `body.ipRange`. */
export function ipPrefixOf(range: string): string {
  const [address, bits] = range.split('/');
  if (!address || isIP(address) === 0) throw field('body.ipRange', 'must be an IP address or an IPv4 range such as 203.0.113.0/24');
  if (bits === undefined) return address;
  if (isIP(address) !== 4 || !['8', '16', '24', '32'].includes(bits)) throw field('body.ipRange', 'must be an IPv4 range on an octet boundary (/8, /16, /24 or /32), or one address');
  const octets = address.split('.');
  const keep = Number(bits) / 8;
  if (octets.slice(keep).some((o) => o !== '0') && keep < 4) throw field('body.ipRange', `must have zeros after the first ${keep} octet${keep === 1 ? '' : 's'} (e.g. ${octets.slice(0, keep).join('.')}${'.0'.repeat(4 - keep)}/${bits})`);
  return keep === 4 ? address : `${octets.slice(0, keep).join('.')}.`;
}

const LIMIT = 10_000;

/** Computes (or recomputes, until assessed) the scope of the incident. Audited. */
export async function assessScope(ctx: RequestContext, id: string, input: ScopeInput) {
  if (input.actorIds.length === 0 && !input.ipRange) throw field('body.actorIds', 'must name at least one person, or give an ipRange');
  if (input.since > input.until) throw field('body.since', 'must not be after until');
  const ipPrefix = input.ipRange ? ipPrefixOf(input.ipRange) : null;
  return changeIncident(ctx, id, async (tx, row) => {
    if (row.scope_frozen_at !== null) throw new AppError('INCIDENT_STATE', 'The scope was frozen when the incident was assessed');
    const found = await activityScope(tx, { actorIds: [...new Set(input.actorIds)], ipPrefix, since: input.since, until: input.until });
    const byClassification: Record<string, number> = {};
    let privileged = 0;
    for (const doc of await unsafeDocumentClassifications(tx, found.documents)) {
      byClassification[doc.classification] = (byClassification[doc.classification] ?? 0) + 1;
      if (doc.privileged) privileged += 1;
    }
    const scope: FrozenScope = {
      actorIds: [...new Set(input.actorIds)],
      ipRange: input.ipRange ?? null,
      since: input.since,
      until: input.until,
      computedAt: tx.app.clock.now(),
      events: found.events,
      firstIndex: found.firstIndex,
      lastIndex: found.lastIndex,
      clients: found.clients,
      matters: found.matters,
      documents: found.documents,
      byClassification,
      privileged,
      truncated: [found.clients, found.matters, found.documents].some((ids) => ids.length >= LIMIT),
    };
    await recordIncidentStep(tx, id, 'scope', { detail: { events: scope.events, clients: scope.clients.length, matters: scope.matters.length, documents: scope.documents.length, privileged } });
    await recordEvent(tx, { action: 'incident.scope', outcome: 'allowed', reason: `${scope.clients.length}c:${scope.matters.length}m:${scope.documents.length}d`, resources: { other: { type: 'incident', id } } });
    return { scope: JSON.stringify(scope) };
  });
}

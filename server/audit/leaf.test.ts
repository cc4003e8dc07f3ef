import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalLeafText, decodeLeaf } from './leaf.js';

const optional = fc.option(fc.string({ unit: 'binary', maxLength: 40 }), { nil: null });

describe('canonical leaf bytes', () => {
  it('equal RFC 8785 canonicalization (the canonicalize library) for any event, including odd strings', () => {
    fc.assert(
      fc.property(
        fc.record({
          seq: fc.nat({ max: 2 ** 40 }),
          at: fc.nat({ max: 2 ** 45 }),
          actor_type: fc.constantFrom('user', 'system', 'anonymous'),
          actor_id: optional,
          session_id: optional,
          request_id: optional,
          ip: optional,
          user_agent: optional,
          action: fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }),
          outcome: fc.constantFrom('allowed', 'denied'),
          reason: optional,
          client_id: optional,
          matter_id: optional,
          document_id: optional,
          target_user_id: optional,
          other_type: optional,
          other_id: optional,
          purpose: optional,
        }),
        (row) => {
          const text = canonicalLeafText(row);
          const decoded = decodeLeaf(Buffer.from(text, 'utf8'));
          expect(text).toBe(canonicalize(decoded));
          expect(decoded.index).toBe(row.seq);
          expect(decoded.actorId ?? null).toBe(row.actor_id);
          expect(decoded.userId ?? null).toBe(row.target_user_id);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('omits absent fields and sorts keys', () => {
    const text = canonicalLeafText({
      seq: 7, at: 1000, actor_type: 'user', actor_id: 'u1', session_id: null, request_id: 'r', ip: null, user_agent: null,
      action: 'document.read', outcome: 'allowed', reason: null, client_id: 'c', matter_id: null, document_id: 'd',
      target_user_id: null, other_type: null, other_id: null, purpose: null,
    });
    expect(text).toBe('{"action":"document.read","actorId":"u1","actorType":"user","at":1000,"clientId":"c","documentId":"d","index":7,"outcome":"allowed","requestId":"r","v":1}');
  });
});

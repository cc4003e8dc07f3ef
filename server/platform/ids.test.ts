import { describe, expect, it } from 'vitest';
import { isUuid, newId } from './ids.js';

describe('newId', () => {
  it('makes distinct UUIDv7s across many pool refills', () => {
    const ids = Array.from({ length: 2000 }, () => newId());
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) {
      expect(isUuid(id)).toBe(true);
      expect(id[14]).toBe('7');
      expect('89ab').toContain(id[19]!);
    }
  });

  it('orders by time', () => {
    expect(newId(1_000) < newId(2_000)).toBe(true);
    expect(newId(0x0123456789ab).startsWith('01234567-89ab-7')).toBe(true);
  });
});

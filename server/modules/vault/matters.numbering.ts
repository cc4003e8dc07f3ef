/**
 * Firm matter numbers from MATTER_NUMBER_FORMAT (validated in server/config.ts): `{year}`, `{seq}`
 * / `{seq:N}`, `{client}` / `{client:N}`. The counter runs per year, or per client and year when
 * the format names the client, and is taken in the creating transaction (race-safe).
 */
import type { RequestContext } from '../../platform/context.js';
import { ensureClientNumber, takeSequenceValue } from './matters.repository.js';
import type { ClientAuth } from './vault.repository.js';

/** The number `format` makes for these values (pure). */
export function renderMatterNumber(format: string, values: { year: number; seq: number; client: number }): string {
  return format.replace(/\{(year|seq|client)(?::([1-9]))?\}/g, (_token, name: 'year' | 'seq' | 'client', width: string | undefined) => {
    const value = String(values[name]);
    return width ? value.padStart(Number(width), '0') : value;
  });
}

/** A new client's firm number (the `{client}` token). */
export async function nextClientNumber(ctx: RequestContext): Promise<number> {
  return takeSequenceValue(ctx, 'client');
}

/** The next matter number for the authorized client, opened at `now`. */
export async function nextMatterNumber(ctx: RequestContext, auth: ClientAuth, now: number): Promise<string> {
  const format = ctx.app.config.vault.matterNumberFormat;
  const year = new Date(now).getUTCFullYear();
  const perClient = /\{client(?::[1-9])?\}/.test(format);
  const client = perClient ? await ensureClientNumber(ctx, auth, () => nextClientNumber(ctx)) : 0;
  const seq = await takeSequenceValue(ctx, perClient ? `matter:${year}:${client}` : `matter:${year}`);
  return renderMatterNumber(format, { year, seq, client });
}

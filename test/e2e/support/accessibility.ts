/// <reference lib="dom" />
// Code passed to page.evaluate runs in the browser, so these files see the DOM types too.
/**
 * axe-core in the page under test. Our CSP forbids inline scripts, so the library is not added as
 * a <script> tag: its source is evaluated through the DevTools protocol (`page.evaluate` of a
 * string), which the CSP does not govern.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/** Every violation axe reports, whatever its impact. */
export async function runAxe(page: Page): Promise<AxeViolation[]> {
  // A string expression is evaluated by DevTools itself; `eval` inside the page would be refused by the CSP.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const w = window as unknown as { axe: { run(context: Document): Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[] }> } };
    const result = await w.axe.run(document);
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => JSON.stringify(n.target)) }));
  });
}

/** Throws, listing them, when axe finds serious or critical violations on the page. */
export async function checkAccessibility(page: Page): Promise<void> {
  const violations = (await runAxe(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (violations.length > 0) {
    throw new Error(`Accessibility violations on ${page.url()}:\n${violations.map((v) => `  [${v.impact}] ${v.id}: ${v.help} — ${v.nodes.join(', ')}`).join('\n')}`);
  }
}

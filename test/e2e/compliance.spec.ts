/// <reference lib="dom" />
/**
 * The compliance program in a real browser against the real built server, from both sides: the
 * compliance officer adds a policy (a missing owner is said next to the owner field), asks the
 * attorneys to acknowledge it, adds a course and imports completions from CSV (a bad line is
 * listed with its number and nothing is imported), records an agreement by picking the person,
 * and starts an access review; the lead attorney reads and acknowledges the policy on her own
 * page and revokes a colleague's seat on her matter; the officer sees the review item revoked by
 * the reviewer. Every page is checked with axe, shows no id, fits 1280 and 390 px, and is
 * photographed at both widths when E2E_SCREENSHOT_DIR is set.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAccessibility, createStaffWithCli, launchBrowser, measureWidth, signInWithClientAndMatter, signInWithMfa, startServer, type LaunchedBrowser, type RunningServer, type TrackedPage } from './support/index.js';

const SCREENSHOTS = process.env.E2E_SCREENSHOT_DIR ?? null;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const POLICY = 'Client confidentiality policy';
const COURSE = 'Confidentiality basics';

async function inspect(page: Page, name: string): Promise<void> {
  expect(await page.evaluate(() => document.body.innerText)).not.toMatch(UUID);
  await checkAccessibility(page);
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 800 });
    if (SCREENSHOTS) await page.screenshot({ path: join(SCREENSHOTS, `compliance-${name}-${width}.png`), fullPage: true });
    expect((await measureWidth(page)).overflowing, `${name} at ${width} px`).toEqual([]);
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

async function pick(page: Page, scope: ReturnType<Page['getByRole']>, label: RegExp, query: string, option: RegExp): Promise<void> {
  await scope.getByRole('combobox', { name: label }).fill(query);
  await page.locator('[role=listbox]').getByRole('option', { name: option }).first().click();
}

async function section(page: Page, name: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Compliance sections' }).getByRole('link', { name, exact: true }).click();
}

describe('the compliance program in the browser', () => {
  let server: RunningServer;
  let aliceBrowser: LaunchedBrowser;
  let coraBrowser: LaunchedBrowser;
  let alice: TrackedPage;
  let cora: TrackedPage;
  let matterId = '';

  beforeAll(async () => {
    if (SCREENSHOTS) mkdirSync(SCREENSHOTS, { recursive: true });
    server = await startServer();
    aliceBrowser = await launchBrowser({ baseURL: server.url });
    coraBrowser = await launchBrowser({ baseURL: server.url });
    alice = await aliceBrowser.newPage();
    cora = await coraBrowser.newPage();
  });
  afterAll(async () => {
    await aliceBrowser?.close();
    await coraBrowser?.close();
    await server?.stop();
  });

  it('sets up the firm: an attorney leading a matter with a paralegal on the team, and a compliance officer', async () => {
    const { page } = alice;
    ({ matterId } = await signInWithClientAndMatter(page, server, { attorney: { name: 'Alice Attorney' }, clientName: 'Northwind Traders', matterTitle: 'Northwind v. Contoso' }));
    createStaffWithCli(server, { email: 'pat@firm.example', name: 'Pat Paralegal', role: 'paralegal', password: 'pat passphrase that is long enough 71' });
    await page.goto(`/access/matters/${matterId}/team`);
    await page.getByRole('heading', { name: 'Matter team' }).waitFor();
    await pick(page, page.getByRole('main'), /^Person/, 'pat', /Pat Paralegal/);
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('row', { name: /Pat Paralegal/ }).waitFor();
    const officer = createStaffWithCli(server, { email: 'cora@firm.example', name: 'Cora Compliance', role: 'compliance_officer', password: 'cora passphrase that is long enough 71' });
    await signInWithMfa(cora.page, officer);
  });

  it('lets the compliance officer add a policy and ask the attorneys to acknowledge it', async () => {
    const { page } = cora;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Compliance', exact: true }).click();
    await page.getByRole('heading', { name: 'My compliance' }).waitFor();
    await section(page, 'Policies');
    await page.getByText('No policy yet.', { exact: false }).waitFor();
    await inspect(page, 'policies-empty');
    await page.getByRole('button', { name: 'New policy' }).click();
    const form = page.getByRole('form', { name: 'New policy' });
    await form.getByLabel(/^Title/).fill(POLICY);
    await form.getByLabel(/^Text/).fill('# Client confidentiality\n\nNever discuss a client’s affairs outside the firm.');
    await form.getByRole('button', { name: 'Add the policy' }).click();
    await form.getByText('Choose the person who owns this policy.').waitFor();
    await pick(page, form, /^Owner/, 'cora', /Cora Compliance/);
    await inspect(page, 'policy-form');
    await form.getByRole('button', { name: 'Add the policy' }).click();
    await page.getByRole('status').filter({ hasText: `Policy “${POLICY}” added as version 1.` }).waitFor();
    await page.getByRole('link', { name: POLICY }).click();
    await page.getByRole('heading', { name: POLICY }).waitFor();
    await page.getByRole('button', { name: 'Ask people to acknowledge' }).click();
    const ask = page.getByRole('form', { name: 'Ask people to acknowledge' });
    for (const role of ['Paralegals', 'Support staff']) await ask.getByLabel(role).uncheck();
    await ask.getByRole('button', { name: 'Ask and mail them' }).click();
    await page.getByRole('status').filter({ hasText: 'asked to acknowledge version 1' }).waitFor();
    await page.getByText(/Still to acknowledge: .*Alice Attorney/).waitFor();
    await inspect(page, 'policy');
  });

  it('imports training completions from CSV: a bad line is listed by number and nothing is imported', async () => {
    const { page } = cora;
    await section(page, 'Training');
    await page.getByRole('button', { name: 'New course' }).click();
    const form = page.getByRole('form', { name: 'New course' });
    await form.getByLabel(/^Title/).fill(COURSE);
    await form.getByRole('button', { name: 'Add the course' }).click();
    await page.getByRole('status').filter({ hasText: `Course “${COURSE}” added.` }).waitFor();
    await page.getByRole('button', { name: 'Import from CSV' }).click();
    const importing = page.getByRole('form', { name: 'Import completions' });
    await importing.getByLabel('CSV').fill(`email,course,completed,score\nalice@firm.example,${COURSE},2026-01-05,92\nnobody@firm.example,${COURSE},2026-01-05,90\n`);
    await importing.getByRole('button', { name: 'Import' }).click();
    await importing.getByText('line 3: email is not an active staff member of this firm').waitFor();
    await importing.getByText('1 line(s) need fixing; nothing was imported.').waitFor();
    await inspect(page, 'training-import');
    await importing.getByLabel('CSV').fill(`email,course,completed,score\nalice@firm.example,${COURSE},2026-01-05,92\n`);
    await importing.getByRole('button', { name: 'Import' }).click();
    await page.getByRole('status').filter({ hasText: 'Imported 1 completion(s): 1 passed' }).waitFor();
    await page.getByRole('row', { name: /Alice Attorney.*Up to date/ }).waitFor();
    await inspect(page, 'training');
  });

  it('records an agreement by picking the person, and starts an access review', async () => {
    const { page } = cora;
    await section(page, 'Agreements');
    await page.getByText('No agreement is on file yet.').waitFor();
    await page.getByRole('button', { name: 'Record an agreement' }).click();
    const form = page.getByRole('form', { name: 'Record an agreement' });
    await pick(page, form, /^Person/, 'alice', /Alice Attorney/);
    await form.getByRole('button', { name: 'Record it' }).click();
    await page.getByRole('status').filter({ hasText: 'Agreement recorded for Alice Attorney.' }).waitFor();
    await page.getByRole('row', { name: /Alice Attorney.*Current/ }).waitFor();
    await inspect(page, 'agreements');
    await section(page, 'Access reviews');
    await page.getByText('No access review yet.', { exact: false }).waitFor();
    await page.getByRole('button', { name: 'Start a review' }).click();
    await page.getByRole('form', { name: 'Start a review' }).getByRole('button', { name: 'Start' }).click();
    await page.getByRole('status').filter({ hasText: /started: \d+ item\(s\) to certify/ }).waitFor();
    await inspect(page, 'reviews');
  });

  it('lets the lead attorney acknowledge the policy for herself and revoke a seat on her matter', async () => {
    const { page } = alice;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Compliance', exact: true }).click();
    await page.getByRole('heading', { name: 'My compliance' }).waitFor();
    await page.getByRole('row', { name: new RegExp(`${POLICY}.*To acknowledge by`) }).waitFor();
    await page.getByRole('button', { name: `Read ${POLICY}` }).click();
    await page.getByText('Never discuss a client’s affairs outside the firm.', { exact: false }).waitFor();
    await inspect(page, 'my-reading');
    await page.getByRole('button', { name: 'I have read and understood this policy' }).click();
    await page.getByRole('status').filter({ hasText: `You acknowledged “${POLICY}”, version 1.` }).waitFor();
    await page.getByRole('row', { name: new RegExp(`${POLICY}.*Acknowledged`) }).waitFor();
    await page.getByRole('heading', { name: 'Access reviews to certify' }).waitFor();
    await page.getByRole('button', { name: /^Revoke Pat Paralegal from/ }).click();
    await page.getByRole('status').filter({ hasText: /Pat Paralegal’s access to .* was revoked\./ }).waitFor();
    await inspect(page, 'my');
  });

  it('shows the officer the item revoked by the reviewer', async () => {
    const { page } = cora;
    await page.reload();
    await page.getByRole('link', { name: /access review$/ }).click();
    await page.getByRole('row', { name: /Pat Paralegal.*Revoked by the reviewer/ }).waitFor();
    await inspect(page, 'review');
  });
});

/// <reference lib="dom" />
/**
 * The access pages in a real browser against the real built server, the way people use them:
 * a lead attorney adds a colleague to the matter's team by typing and picking their name; the
 * compliance officer puts up a wall by picking the people it screens; the wall's page and its
 * ABA Rule 1.10 screening notice list who has acknowledged the memo and who has not; the lead
 * acknowledges from their list of memos. No page shows a bare id, and none is wider than a phone.
 */
import { inflateSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkAccessibility,
  createStaffWithCli,
  isExpectedAuthError,
  launchBrowser,
  signInWithClientAndMatter,
  signInWithMfa,
  startServer,
  type LaunchedBrowser,
  type RunningServer,
  type StaffAccount,
  type TrackedPage,
  measureWidth,
} from './support/index.js';

const SCREENSHOTS = process.env.E2E_SCREENSHOT_DIR ?? null;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/** The page's visible text holds no id (names and matter numbers only). */
async function expectNoIds(page: Page): Promise<void> {
  const text = await page.evaluate(() => document.body.innerText);
  expect(text).not.toMatch(UUID);
}

/** At 390 px and at 1280 px the page never scrolls sideways (tables scroll inside their box). */
async function checkWidths(page: Page, name: string): Promise<void> {
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 800 });
    if (SCREENSHOTS) await page.screenshot({ path: join(SCREENSHOTS, `access-${name}-${width}.png`), fullPage: true });
    expect((await measureWidth(page)).overflowing).toEqual([]);
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

/** Types into a picker and chooses the option whose text contains `name`. */
async function pick(page: Page, label: string | RegExp, typed: string, name: string): Promise<void> {
  const box = page.getByRole('combobox', { name: label });
  await box.fill(typed);
  await page.getByRole('option', { name: new RegExp(name) }).click();
}

/**
 * The text of a PDF as pdfkit writes it (Flate-compressed content streams, standard fonts: text
 * as hex strings in TJ arrays), enough to read which names a notice lists.
 */
function pdfText(pdf: Buffer): string {
  const raw = pdf.toString('latin1');
  const lines: string[] = [];
  for (const match of raw.matchAll(/stream\r?\n([\s\S]*?)\r?\nendstream/g)) {
    let content: string;
    try {
      content = inflateSync(Buffer.from(match[1]!, 'latin1')).toString('latin1');
    } catch {
      continue;
    }
    for (const op of content.matchAll(/\[([^\]]*)\]\s*TJ/g)) {
      lines.push([...op[1]!.matchAll(/<([0-9a-fA-F]*)>/g)].map((h) => Buffer.from(h[1]!, 'hex').toString('latin1')).join(''));
    }
  }
  return lines.join('\n');
}

describe('access pages in the browser', () => {
  let server: RunningServer;
  let aliceBrowser: LaunchedBrowser;
  let coraBrowser: LaunchedBrowser;
  let alice: TrackedPage;
  let cora: TrackedPage;
  let matterId: string;
  let clientId: string;
  let officer: StaffAccount;
  let wallUrl: string;

  beforeAll(async () => {
    server = await startServer();
    // Two browsers with their own profiles: the lead attorney and the compliance officer.
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

  it('lets the lead add a colleague to the team by picking their name', async () => {
    const { page } = alice;
    ({ matterId, clientId } = await signInWithClientAndMatter(page, server, { attorney: { name: 'Alice Attorney' }, clientName: 'Northwind Traders', matterTitle: 'Northwind v. Contoso' }));
    createStaffWithCli(server, { email: 'bob@firm.example', name: 'Bob Barrister', role: 'attorney', password: 'bob passphrase that is long enough 71' });
    createStaffWithCli(server, { email: 'sam@firm.example', name: 'Sam Screened', role: 'paralegal', password: 'sam passphrase that is long enough 71' });
    officer = createStaffWithCli(server, { email: 'cora@firm.example', name: 'Cora Compliance', role: 'compliance_officer', password: 'cora passphrase that is long enough 71' });

    await page.goto(`/access/matters/${matterId}/team`);
    await page.getByRole('heading', { name: 'Matter team' }).waitFor();
    await page.getByRole('cell', { name: /^Alice Attorney/ }).waitFor();
    // Saving without choosing says so next to the field, and sends nothing.
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Choose a person from the list.').waitFor();
    await pick(page, /^Person/, 'bob', 'Bob Barrister');
    await page.getByTestId('picker-chosen').filter({ hasText: 'Bob Barrister' }).waitFor();
    await page.getByRole('button', { name: 'Save' }).click();
    const row = page.getByRole('row', { name: /Bob Barrister/ });
    await row.waitFor();
    await row.getByText('bob@firm.example').waitFor();
    await row.getByText('Attorney', { exact: true }).waitFor();
    await expectNoIds(page);
    await checkAccessibility(page);
    await checkWidths(page, 'team');
  });

  it('lets compliance put up a wall by picking the people it screens', async () => {
    const { page } = cora;
    await page.goto('/sign-in');
    await signInWithMfa(page, officer);
    await page.getByRole('link', { name: 'Ethical walls' }).click();
    await page.getByRole('heading', { name: 'Ethical walls' }).waitFor();
    await page.getByText(/No walls yet — a wall keeps/).waitFor();
    await checkWidths(page, 'walls-empty');
    // Opened from the matter's link (a conflict check links the same way): the matter is filled in, by its number.
    await page.goto(`/access/walls?matterId=${matterId}`);
    const chosenMatter = page.getByTestId('picker-chosen').first();
    await chosenMatter.waitFor();
    expect(await chosenMatter.innerText()).toMatch(/\d/);
    expect(await chosenMatter.innerText()).not.toContain('Northwind v. Contoso');
    // Creating without people says so next to the field.
    await page.getByLabel(/^Memo/).fill('Sam Screened advised Contoso on this dispute: do not discuss it with Sam, and do not share any of its files.');
    await page.getByRole('button', { name: 'Create wall' }).click();
    await page.getByText('Choose at least one person.').waitFor();
    await pick(page, /^People to screen out/, 'sam', 'Sam Screened');
    await page.getByRole('list', { name: 'Chosen people' }).getByText('Sam Screened').waitFor();
    await page.getByRole('button', { name: 'Create wall' }).click();
    const created = page.getByRole('status').filter({ hasText: 'Wall created' });
    await created.waitFor();
    const row = page.getByRole('row', { name: /Sam Screened/ });
    await row.waitFor();
    await expectNoIds(page);
    await checkAccessibility(page);
    await checkWidths(page, 'walls');
    await created.getByRole('link', { name: 'Open it' }).click();
    await page.getByRole('heading', { name: 'Exclusionary wall' }).waitFor();
    wallUrl = new URL(page.url()).pathname;
  });

  it('lists who has not acknowledged the memo, on the page and in the screening notice', async () => {
    const { page } = cora;
    const awaiting = page.getByRole('list', { name: 'Still to acknowledge' });
    for (const name of ['Alice Attorney', 'Bob Barrister', 'Sam Screened']) await awaiting.getByText(name).waitFor();
    await page.getByText('Nobody has acknowledged the memo yet.').waitFor();
    await expectNoIds(page);
    await checkWidths(page, 'wall');

    await page.getByLabel('Firm name').fill('Smith & Jones LLP');
    await page.getByLabel('Addressee').fill('Contoso Ltd, General Counsel');
    await page.getByLabel('Matter reference').fill('Northwind v. Contoso');
    await page.getByLabel('Signed by').fill('Cora Compliance');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download notice (PDF)' }).click()]);
    const path = await download.path();
    const text = pdfText(readFileSync(path!));
    expect(text).toContain('Nobody has acknowledged the memorandum in writing yet.');
    expect(text).toMatch(/Not yet acknowledged \(3\)/);
    for (const name of ['Alice Attorney', 'Bob Barrister', 'Sam Screened']) expect(text).toContain(name);
    expect(text).not.toContain('have acknowledged it in writing.');
  });

  it('lets the lead acknowledge from their memos, and the wall and notice say so', async () => {
    const { page } = alice;
    await page.goto('/access/acknowledgements');
    await page.getByRole('heading', { name: 'Wall memos to acknowledge' }).waitFor();
    await page.getByText(/do not discuss it with Sam/).waitFor();
    await expectNoIds(page);
    await checkWidths(page, 'acknowledgements');
    await page.getByRole('button', { name: /^Acknowledge the memo/ }).click();
    await page.getByText(/Nothing to acknowledge/).waitFor();

    const officerPage = cora.page;
    await officerPage.goto(wallUrl);
    await officerPage.getByRole('list', { name: 'Acknowledgements' }).getByText(/Alice Attorney/).waitFor();
    const awaiting = officerPage.getByRole('list', { name: 'Still to acknowledge' });
    await awaiting.getByText('Bob Barrister').waitFor();
    expect(await awaiting.getByText('Alice Attorney').count()).toBe(0);
    await expectNoIds(officerPage);

  });

  it('shows every other access page by names, at phone width too', async () => {
    const pages: [TrackedPage, string, string][] = [
      [alice, '/access/requests', 'Access requests'],
      [alice, `/access/requests?matterId=${matterId}`, 'Access requests'],
      [alice, '/access/break-glass', 'Emergency access (break-glass)'],
      [cora, '/access/walls', 'Ethical walls'],
      [cora, '/access/break-glass/review', 'Break-glass review'],
      [cora, '/access/reports', 'Access reports'],
      [cora, '/access/gates', 'Access gates'],
      [cora, '/access/approvals', 'Approvals'],
    ];
    for (const [{ page }, url, heading] of pages) {
      await page.goto(url);
      await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
      await page.locator('[aria-busy="true"], .loading').first().waitFor({ state: 'detached', timeout: 5_000 }).catch(() => undefined);
      await expectNoIds(page);
      await checkWidths(page, url.replace(/\?.*$/, '').replace(/\//g, '-').slice(1));
    }
    // Opened from a matter (a blocked matter's notice links here), the request form names no id.
    await alice.page.goto(`/access/requests?matterId=${matterId}`);
    await alice.page.getByText('The matter whose page you just opened.').waitFor();

    expect(alice.errors().filter((e) => !isExpectedAuthError(e))).toEqual([]);
    expect(cora.errors().filter((e) => !isExpectedAuthError(e))).toEqual([]);
  });

  it("lets the client's lead grant client-wide access by name on the client page, with an end date, and end it", async () => {
    const { page } = alice;
    await page.goto(`/clients/${clientId}`);
    await page.getByRole('navigation', { name: 'Client sections' }).getByRole('link', { name: 'Access' }).click();
    const panel = page.getByRole('region', { name: 'Client-wide access' });
    // The client's creator holds its first grant, as its lead attorney.
    await panel.getByRole('row', { name: /Alice Attorney/ }).getByText('Lead attorney').waitFor();
    const form = panel.getByRole('form', { name: 'Grant client-wide access' });
    // Neither a person nor an end date: both said next to their fields, nothing sent.
    await form.getByRole('button', { name: 'Grant' }).click();
    await form.getByText('Choose a person from the list.').waitFor();
    await form.getByText('Give the date the grant ends.').waitFor();
    await form.getByRole('combobox', { name: /^Person/ }).fill('bob');
    await page.getByRole('option', { name: /Bob Barrister/ }).click();
    const until = new Date(Date.now() + 14 * 86_400_000);
    const local = `${until.getFullYear()}-${String(until.getMonth() + 1).padStart(2, '0')}-${String(until.getDate()).padStart(2, '0')}T17:00`;
    await form.getByLabel(/^Until/).fill(local);
    await form.getByRole('button', { name: 'Grant' }).click();
    const row = panel.getByRole('row', { name: /Bob Barrister/ });
    await row.getByText(/^Current, until/).waitFor();
    await row.getByText('by Alice Attorney').waitFor();
    await expectNoIds(page);
    await checkAccessibility(page);
    await checkWidths(page, 'client-grants');
    await row.getByRole('button', { name: 'End now the grant of Bob Barrister' }).click();
    await row.getByText(/^Ended/).waitFor();
    expect(await row.getByRole('button').count()).toBe(0);
    // The matter's access history is the audit log's: the lead is told who reads it, not shown an error.
    await page.goto(`/matters/${matterId}/access`);
    await page.getByText(/The access history is shown to the compliance officer/).waitFor();
  });
});

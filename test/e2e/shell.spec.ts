/// <reference lib="dom" />
// Code passed to page.evaluate runs in the browser, so this file sees the DOM types too.
/** The web shell in a real browser against the real built server. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkAccessibility,
  createClientAndMatter,
  createStaffWithCli,
  isExpectedAuthError,
  launchBrowser,
  signInAsFirstAdministrator,
  signInWithMfa,
  startServer,
  type LaunchedBrowser,
  type RunningServer,
  type TrackedPage,
} from './support/index.js';

const afterRunning = (output: string) => output.slice(output.indexOf('Confidant is running at'));

describe('web shell', () => {
  let server: RunningServer;
  let browser: LaunchedBrowser;
  let tab: TrackedPage;
  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser({ baseURL: server.url });
    tab = await browser.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });
  const unexpectedErrors = () => tab.errors().filter((e) => !isExpectedAuthError(e));

  it('serves the API and the app from the same process, and prints its real URL', async () => {
    const response = await fetch(`${server.url}/api/v1/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
    expect(server.output()).toContain(`Confidant is running at ${server.url}`);
    // Links printed once the server listens point at the real port, not at PORT=0.
    const afterStart = server.output().split('Confidant is running at')[1] ?? '';
    expect(afterStart).not.toMatch(/https?:\/\/127\.0\.0\.1:0\//);
  });

  it('prints, once each, the address to open (localhost, for passkeys), the setup link, data, master key and what the verifier key is for', () => {
    const output = server.output();
    expect(server.url).toMatch(/^http:\/\/localhost:\d+$/);
    const count = (pattern: RegExp) => output.split('\n').filter((line) => pattern.test(line)).length;
    expect(count(/^Confidant is running at /)).toBe(1);
    expect(count(/passkeys \(WebAuthn\) need a name/)).toBe(1);
    expect(count(/^Audit log verifier key: /)).toBe(1);
    expect(count(/^ {2}Give it to your auditors/)).toBe(1);
    expect(count(/^Data: .*database: SQLite/)).toBe(1);
    expect(count(/^Master key: .*master\.key/)).toBe(1);
    // The setup link printed once the server listens uses the same address.
    expect(afterRunning(output)).toContain(`Create the first administrator (one-time link): ${server.url}/setup#`);
    // No JSON log line inside the start-up block.
    const block = afterRunning(output).split('\n').slice(0, 8);
    expect(block.filter((line) => line.startsWith('{'))).toEqual([]);
  });

  it('answers unknown API routes with the error model, not the app', async () => {
    const response = await fetch(`${server.url}/api/v1/no-such-route`);
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
  });

  it('signed out, the shell shows the sign-in page under a strict CSP, axe clean', async () => {
    const { page } = tab;
    const response = await page.goto('/');
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.waitForURL(/\/sign-in$/);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await checkAccessibility(page);
    expect(unexpectedErrors()).toEqual([]);
  });

  it('signed in, renders the layout with landmarks and navigation, axe clean', async () => {
    const { page } = tab;
    await signInAsFirstAdministrator(page, server);
    await page.goto('/');
    await page.getByRole('heading', { name: 'Welcome to Confidant' }).waitFor();
    expect(await page.getByRole('banner').count()).toBe(1);
    expect(await page.getByRole('main').count()).toBe(1);
    expect(await page.getByRole('navigation', { name: 'Main' }).count()).toBe(1);
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Home' }).count()).toBe(1);
    expect(await page.getByRole('link', { name: 'Skip to content' }).count()).toBe(1);
    await checkAccessibility(page);
    expect(unexpectedErrors()).toEqual([]);
  });

  it('shows the not-found page, inside the layout, for an unknown address', async () => {
    const { page } = tab;
    const response = await page.goto('/no/such/page');
    expect(response?.status()).toBe(200);
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
    expect(await page.getByRole('navigation', { name: 'Main' }).count()).toBe(1);
    expect(await page.title()).toBe('Page not found — Confidant');
    await checkAccessibility(page);
    expect(unexpectedErrors()).toEqual([]);
  });

  it('keyboard users get a visible skip link and focus follows client-side navigation', async () => {
    const { page } = tab;
    await page.goto('/no/such/page');
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
    await page.keyboard.press('Tab');
    const skip = page.getByRole('link', { name: 'Skip to content' });
    expect(await skip.evaluate((el) => el === document.activeElement)).toBe(true);
    // Off-screen until focused, then on screen.
    const box = await skip.boundingBox();
    expect(box && box.x >= 0 && box.y >= 0).toBe(true);
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');

    // A client-side navigation (no reload) puts focus on the new page's heading.
    await page.getByRole('link', { name: 'Go to the start page' }).click();
    await page.getByRole('heading', { name: 'Welcome to Confidant' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
    expect(unexpectedErrors()).toEqual([]);
  });

  it('the accessibility check fails on serious violations (so a clean result means something)', async () => {
    const { page } = tab;
    await page.goto('/');
    await page.getByRole('main').waitFor();
    await page.evaluate(() => {
      document.getElementById('main')!.append(document.createElement('button'), document.createElement('img'));
    });
    await expect(checkAccessibility(page)).rejects.toThrow(/button-name|image-alt/);
  });

  /** The navigation entries marked as the current page. */
  const current = async () => tab.page.getByRole('navigation', { name: 'Main' }).locator('a[aria-current="page"]').allTextContents();

  it('the administrator: one highlighted entry per page, every entry opens a page, and the start page lists what needs attention', async () => {
    const { page } = tab;
    await page.goto('/');
    await page.getByRole('heading', { name: 'Welcome to Confidant' }).waitFor();
    for (const title of ['Accounts needing attention', 'Changes waiting for your approval', 'Settings needing attention']) await page.getByRole('heading', { name: title }).waitFor();
    // Nothing waits on a fresh firm: each list says so and what to do next.
    await page.getByText('Every account is set up.').waitFor();
    await page.getByText('The access gates are at their recommended settings.').waitFor();
    expect(await current()).toEqual(['Home']);
    await checkAccessibility(page);
    await everyEntryOpensItsPage();
  });

  it('the compliance officer: the deepest entry is the one highlighted (Alerts, not also Audit log), and the start page shows alerts, reviews and approvals', async () => {
    const { page } = tab;
    await page.goto('/');
    const compliance = createStaffWithCli(server, { email: 'cora@firm.example', name: 'Cora Compliance', role: 'compliance_officer', password: 'compliance passphrase that is long 72' });
    await signInWithMfa(page, compliance);
    for (const title of ['Open alerts', 'Emergency access to review', 'Changes waiting for your approval', 'Memos to acknowledge', 'Requests waiting on you']) await page.getByRole('heading', { name: title }).waitFor();
    await page.getByText('No open alerts.').waitFor();
    await checkAccessibility(page);
    await page.goto('/audit/alerts');
    await page.locator('h1').first().waitFor();
    expect(await current()).toEqual(['Alerts']);
    await page.goto('/audit');
    await page.locator('h1').first().waitFor();
    expect(await current()).toEqual(['Audit log']);
    await page.goto('/access/break-glass/review');
    await page.locator('h1').first().waitFor();
    expect(await current()).toEqual(['Break-glass review']);
    await everyEntryOpensItsPage();
  });

  it("an attorney: the start page lists their matter (by number and title) and says what to do with the empty lists; a matter's page highlights Matters", async () => {
    const { page } = tab;
    await page.goto('/');
    const attorney = createStaffWithCli(server, { email: 'alice@firm.example', name: 'Alice Attorney', role: 'attorney', password: 'attorney passphrase that is long 71' });
    await signInWithMfa(page, attorney);
    await page.getByText('No open matters yet.').waitFor();
    const { matterId } = await createClientAndMatter(page, { clientName: 'Northwind Traders', matterTitle: 'Northwind v. Contoso' });
    expect(await current()).toEqual(['Matters']);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Home' }).click();
    await page.getByRole('heading', { name: 'Your matters' }).waitFor();
    const link = page.getByRole('link', { name: /Northwind v\. Contoso/ });
    await link.waitFor();
    expect(await link.getAttribute('href')).toBe(`/matters/${matterId}`);
    await page.getByText('Northwind Traders ·').waitFor();
    for (const title of ['Memos to acknowledge', 'Requests waiting on you', 'Recent documents']) await page.getByRole('heading', { name: title }).waitFor();
    await page.getByText('Nothing to acknowledge.').waitFor();
    expect(await current()).toEqual(['Home']);
    await checkAccessibility(page);
    await everyEntryOpensItsPage();
    expect(unexpectedErrors().filter((e) => !/status of 404/.test(e))).toEqual([]);
  });

  /** Clicks each navigation entry: it opens a page with its own heading (not "Page not found"), and is then the only one highlighted. */
  async function everyEntryOpensItsPage(): Promise<void> {
    const { page } = tab;
    const nav = page.getByRole('navigation', { name: 'Main' });
    const labels = await nav.getByRole('link').allTextContents();
    expect(labels.length).toBeGreaterThan(1);
    for (const label of labels) {
      const link = nav.getByRole('link', { name: label, exact: true });
      const href = await link.getAttribute('href');
      expect(href, label).toMatch(/^\//);
      await link.click();
      // The previous page's heading is still there until the router renders the new one: wait for the address first.
      await page.waitForURL((url) => url.pathname === href);
      await page.locator('h1').first().waitFor();
      expect(await page.locator('h1').first().textContent(), label).not.toBe('Page not found');
      await expect.poll(current, { message: `highlighted on ${label}'s page`, timeout: 5000 }).toEqual([label]);
    }
  }
});

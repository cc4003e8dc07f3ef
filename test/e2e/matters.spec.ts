/// <reference lib="dom" />
/**
 * Intake with a conflict check, in a real browser against the real built server: Bob acts for
 * Globex; Alice takes on Initech with "GLOBEX, Inc." as the opposing party and is told only that a
 * possible conflict was referred; the compliance officer sees which name matched which client and
 * clears it; Alice then opens Initech and a matter for it, numbered by the firm, with a tab per URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAccessibility, createStaffWithCli, isExpectedAuthError, launchBrowser, signInAsFirstAdministrator, signInWithMfa, startServer, type LaunchedBrowser, type RunningServer, type StaffAccount, type TrackedPage } from './support/index.js';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

describe('intake and the conflict check in the browser', () => {
  let server: RunningServer;
  let browser: LaunchedBrowser;
  let tab: TrackedPage;
  let alice: StaffAccount;
  let bob: StaffAccount;
  let cora: StaffAccount;
  const signedInAt = new Map<string, number>();

  // A TOTP code is single-use: an account signing in again waits for the next 30-second step.
  async function signIn(account: StaffAccount) {
    const last = signedInAt.get(account.email);
    if (last !== undefined) {
      const wait = (Math.floor(last / 30_000) + 1) * 30_000 - Date.now() + 500;
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
    // From the start page, so that signing in again lands there (not on the previous person's page).
    if (last !== undefined || signedInAt.size > 0) await tab.page.goto('/');
    try {
      await signInWithMfa(tab.page, account);
    } catch (error) {
      await tab.page.screenshot({ path: `/tmp/matters-spec-${account.email}.png` });
      throw new Error(`${String(error)} at ${tab.page.url()}`);
    }
    signedInAt.set(account.email, Date.now());
  }

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser({ baseURL: server.url });
    tab = await browser.newPage();
    await signInAsFirstAdministrator(tab.page, server);
    alice = createStaffWithCli(server, { email: 'alice@firm.example', name: 'Alice Attorney', role: 'attorney', password: 'attorney passphrase that is long 71' });
    bob = createStaffWithCli(server, { email: 'bob@firm.example', name: 'Bob Barrister', role: 'attorney', password: 'attorney passphrase that is long 72' });
    cora = createStaffWithCli(server, { email: 'cora@firm.example', name: 'Cora Compliance', role: 'compliance_officer', password: 'compliance passphrase that is long 73' });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('refers a client whose opposing party matches another client; the requester learns nothing more', async () => {
    const { page } = tab;
    await signIn(bob);
    await page.getByRole('link', { name: 'Clients' }).click();
    await page.getByText('New client').click();
    await page.getByLabel(/^Name/).fill('Globex Corporation');
    await page.getByRole('button', { name: 'Create client' }).click();
    await page.getByRole('heading', { name: 'Globex Corporation' }).waitFor();

    await signIn(alice);
    await page.getByRole('link', { name: 'Clients' }).click();
    await page.getByRole('heading', { name: 'Clients' }).waitFor();
    await page.getByText('New client').click();
    await page.getByLabel(/^Name/).fill('Initech');
    await page.getByRole('button', { name: 'Add a party' }).click();
    await page.getByRole('group', { name: 'Party 1' }).getByLabel('Party name').fill('GLOBEX, Inc.');
    await checkAccessibility(page);
    await page.getByRole('button', { name: 'Create client' }).click();
    const referred = page.getByRole('status').filter({ hasText: 'Possible conflict' });
    await referred.waitFor();
    expect(await referred.textContent()).toContain('referred to the compliance officer');
    await page.getByRole('heading', { name: 'Waiting for conflict review' }).waitFor();
    const text = (await page.locator('main').textContent()) ?? '';
    expect(text).not.toContain('Globex');
    expect(text).not.toMatch(UUID);
  });

  it('shows the compliance officer which name matched which client; she clears it', async () => {
    const { page } = tab;
    await signIn(cora);
    await page.getByRole('link', { name: 'Conflict checks' }).click();
    await page.getByRole('heading', { name: 'Conflict checks' }).waitFor();
    await page.getByRole('link', { name: 'New client Initech' }).click();
    await page.getByRole('cell', { name: /GLOBEX, Inc\./ }).waitFor();
    await page.getByRole('cell', { name: /Globex Corporation/ }).first().waitFor();
    expect((await page.locator('main').textContent()) ?? '').toContain('Alice Attorney');
    expect((await page.locator('main').textContent()) ?? '').not.toMatch(UUID);
    await checkAccessibility(page);
    // A waiver needs the client's consent: the error is next to the field.
    await page.getByLabel('Decision').selectOption('waive');
    await page.getByRole('button', { name: 'Record decision' }).click();
    await page.getByText('record the client').waitFor();
    await page.getByLabel('Decision').selectOption('clear');
    await page.getByRole('button', { name: 'Record decision' }).click();
    await page.getByRole('status').filter({ hasText: 'The client is open.' }).waitFor();
  });

  it('opens the cleared client and a matter for it, numbered by the firm, with a tab per URL', async () => {
    const { page, errors } = tab;
    const before = errors().length;
    const bad: string[] = [];
    page.on('response', (r) => {
      if (r.status() === 400) bad.push(r.url());
    });
    await signIn(alice);
    await page.getByRole('link', { name: 'Clients' }).click();
    await page.getByRole('link', { name: 'Initech' }).click();
    await page.getByRole('heading', { name: 'Initech' }).waitFor();
    // The client's page has a section per URL: its parties, then its matters.
    const clientSections = page.getByRole('navigation', { name: 'Client sections' });
    await clientSections.getByRole('link', { name: 'Parties' }).click();
    await page.waitForURL(/\/clients\/[0-9a-f-]{36}\/parties$/);
    await page.getByRole('cell', { name: 'GLOBEX, Inc.' }).waitFor();
    await clientSections.getByRole('link', { name: 'Matters' }).click();
    await page.getByText('Open a matter', { exact: true }).click();
    await page.getByLabel('Title').fill('Initech supply dispute');
    await page.getByRole('button', { name: 'Open matter' }).click();
    await page.waitForURL(/\/matters\/[0-9a-f-]{36}$/);
    const heading = page.getByRole('heading', { name: /Initech supply dispute/ });
    await heading.waitFor();
    expect(await heading.textContent()).toMatch(new RegExp(`^${new Date().getUTCFullYear()}-0001 — Initech supply dispute$`));
    await page.getByText('responsible: Alice Attorney').waitFor();
    const sections = page.getByRole('navigation', { name: 'Matter sections' });
    for (const [label, path] of [['Notes', 'notes'], ['Records', 'records'], ['Team', 'team'], ['Walls', 'walls'], ['Access history', 'access'], ['Documents', 'documents']] as const) {
      await sections.getByRole('link', { name: label }).click();
      await page.waitForURL(new RegExp(`/matters/[0-9a-f-]{36}/${path}$`));
      // The URL changes before the tab re-renders: wait for the tab to say it is the current one.
      await expect.poll(() => sections.getByRole('link', { name: label }).getAttribute('aria-current'), { timeout: 5000 }).toBe('page');
    }
    await page.getByRole('link', { name: 'Team' }).first().click();
    await page.getByText('Alice Attorney — lead attorney').waitFor();
    // Close with a reason, then reopen.
    await page.getByText('Close matter').first().click();
    await page.getByLabel('Reason').fill('Settled');
    await page.getByRole('button', { name: 'Close matter' }).click();
    await page.getByText('Closed because: Settled').waitFor();
    await page.getByRole('button', { name: 'Reopen matter' }).click();
    await page.getByText('Close matter').first().waitFor();
    expect((await page.locator('main').textContent()) ?? '').not.toMatch(UUID);
    // The matter list has the client column.
    await page.getByRole('link', { name: 'Matters', exact: true }).click();
    await page.getByRole('cell', { name: 'Initech', exact: true }).waitFor();
    // 390 px wide: nothing wider than the screen.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(page.url().replace(/\/matters$/, '/clients'));
    await page.getByRole('heading', { name: 'Clients' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await checkAccessibility(page);
    expect(bad).toEqual([]);
    expect(errors().slice(before).filter((e) => !isExpectedAuthError(e))).toEqual([]);
  }, 90_000);
});

/// <reference lib="dom" />
// Code passed to page.evaluate runs in the browser, so this file sees the DOM types too.
/**
 * Phone width (390 × 844): no page is wider than the screen, for each role, on a firm with a
 * client and a matter. Each page is screenshotted into this run's temporary folder (printed at
 * the end) so a person can look at them. The navigation collapses behind a Menu button.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
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
  measureWidth,
} from './support/index.js';

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };

describe('phone width', () => {
  let server: RunningServer;
  let browser: LaunchedBrowser;
  let tab: TrackedPage;
  let ids: { clientId: string; matterId: string };
  const shots = mkdtempSync(join(tmpdir(), 'confidant-phone-'));
  const measured: { who: string; path: string; scrollWidth: number }[] = [];

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser({ baseURL: server.url });
    tab = await browser.newPage();
  });
  afterAll(async () => {
    process.stdout.write(`phone screenshots: ${shots}\n${measured.map((m) => `  ${m.who.padEnd(11)} ${String(m.scrollWidth).padStart(4)} px  ${m.path}`).join('\n')}\n`);
    await browser?.close();
    await server?.stop();
  });

  /** Opens each path at 390 px, waits for its heading and data, screenshots it, and returns the pages wider than the screen. */
  async function tooWide(page: Page, who: string, paths: string[]): Promise<string[]> {
    await page.setViewportSize(PHONE);
    const wide: string[] = [];
    for (const path of paths) {
      await page.goto(path);
      await page.locator('h1').first().waitFor();
      await page.waitForLoadState('networkidle');
      // Nothing still loading: a spinner's replacement could be the wide part.
      await page.locator('.loading').first().waitFor({ state: 'detached', timeout: 10_000 }).catch(() => undefined);
      const { scrollWidth, overflowing } = await measureWidth(page);
      measured.push({ who, path, scrollWidth });
      const name = `${who}${path.replace(/[^a-z0-9]+/gi, '-').replace(/-+$/, '') || '-home'}.png`;
      await page.screenshot({ path: join(shots, name), fullPage: true });
      if (scrollWidth > PHONE.width) wide.push(`${path}: ${scrollWidth} px (${overflowing.join('; ')})`);
    }
    await page.setViewportSize(DESKTOP);
    return wide;
  }

  it('signed out: the sign-in page fits', async () => {
    expect(await tooWide(tab.page, 'signed-out', ['/sign-in'])).toEqual([]);
  });

  it("the administrator's pages fit", async () => {
    await signInAsFirstAdministrator(tab.page, server);
    expect(await tooWide(tab.page, 'admin', ['/', '/admin/users', '/access/gates', '/access/approvals', '/account'])).toEqual([]);
  });

  it("an attorney's pages fit, with a client and a matter", async () => {
    const attorney = createStaffWithCli(server, { email: 'alice@firm.example', name: 'Alice Attorney', role: 'attorney', password: 'attorney passphrase that is long 71' });
    // Signing out on the start page: signing in again lands there (not on the last page visited).
    await tab.page.goto('/');
    await signInWithMfa(tab.page, attorney);
    ids = await createClientAndMatter(tab.page, { clientName: 'Northwind Traders International Holdings', matterTitle: 'Northwind Traders v. Contoso Pharmaceuticals (appeal)' });
    const wide = await tooWide(tab.page, 'attorney', [
      '/',
      '/clients',
      `/clients/${ids.clientId}`,
      '/matters',
      `/matters/${ids.matterId}`,
      `/access/matters/${ids.matterId}/team`,
      '/access/acknowledgements',
      '/access/requests',
      '/access/break-glass',
      '/account',
      '/no/such/page',
    ]);
    expect(wide).toEqual([]);
  });

  it("the compliance officer's pages fit", async () => {
    const compliance = createStaffWithCli(server, { email: 'cora@firm.example', name: 'Cora Compliance', role: 'compliance_officer', password: 'compliance passphrase that is long 72' });
    await tab.page.goto('/');
    await signInWithMfa(tab.page, compliance);
    const wide = await tooWide(tab.page, 'compliance', ['/', '/audit', '/audit/alerts', '/audit/reports', '/access/walls', '/access/break-glass/review', '/access/reports', '/access/gates', '/access/approvals', '/access/acknowledgements']);
    expect(wide).toEqual([]);
  });

  it('the measurement catches a page wider than the screen (so a pass means something)', async () => {
    const { page } = tab;
    await page.setViewportSize(PHONE);
    await page.goto('/');
    await page.getByRole('heading', { name: 'Welcome to Confidant' }).waitFor();
    // An input 120 characters wide (the CSP forbids style attributes, so no inline width).
    await page.evaluate(() => {
      const input = document.createElement('input');
      input.size = 120;
      input.setAttribute('aria-label', 'probe');
      document.getElementById('main')!.append(input);
    });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeGreaterThan(PHONE.width);
    await page.setViewportSize(DESKTOP);
  });

  it('on a phone the navigation is a menu: hidden, opened by the Menu button, closed once a page is chosen', async () => {
    const { page } = tab;
    const errorsBefore = tab.errors().length;
    await page.setViewportSize(PHONE);
    await page.goto('/');
    await page.getByRole('heading', { name: 'Welcome to Confidant' }).waitFor();
    const nav = page.getByRole('navigation', { name: 'Main' });
    const menu = page.getByRole('button', { name: 'Menu' });
    expect(await nav.isVisible()).toBe(false);
    expect(await menu.getAttribute('aria-expanded')).toBe('false');
    await menu.click();
    expect(await nav.isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Close menu' }).getAttribute('aria-expanded')).toBe('true');
    await nav.getByRole('link', { name: 'Alerts' }).click();
    await page.waitForURL(/\/audit\/alerts$/);
    await page.locator('h1').first().waitFor();
    expect(await nav.isVisible()).toBe(false);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    // At desktop width the navigation is always shown and the button is not.
    await page.setViewportSize(DESKTOP);
    expect(await nav.isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Menu' }).isVisible()).toBe(false);
    expect(tab.errors().slice(errorsBefore).filter((e) => !isExpectedAuthError(e))).toEqual([]);
  });
});

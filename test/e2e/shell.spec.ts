/// <reference lib="dom" />
// Code passed to page.evaluate runs in the browser, so this file sees the DOM types too.
/** The web shell in a real browser against the real built server. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkAccessibility,
  isExpectedAuthError,
  launchBrowser,
  signInAsFirstAdministrator,
  startServer,
  type LaunchedBrowser,
  type RunningServer,
  type TrackedPage,
} from './support/index.js';

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
});

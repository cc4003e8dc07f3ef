/// <reference lib="dom" />
// Code passed to page.evaluate runs in the browser, so these files see the DOM types too.
/** The web shell in a real browser against the real built server. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAccessibility, launchBrowser, startServer, type LaunchedBrowser, type RunningServer } from './support/index.js';

describe('web shell', () => {
  let server: RunningServer;
  let browser: LaunchedBrowser;
  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser({ baseURL: server.url });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('serves the API and the app from the same process', async () => {
    const response = await fetch(`${server.url}/api/v1/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
    expect(server.output()).toContain(`Confidant is running at ${server.url}`);
  });

  it('renders the layout with landmarks and navigation, without console errors, axe clean', async () => {
    const { page, errors } = await browser.newPage();
    const response = await page.goto('/');
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.getByRole('main').waitFor();
    expect(await page.getByRole('banner').count()).toBe(1);
    expect(await page.getByRole('navigation', { name: 'Main' }).count()).toBe(1);
    expect(await page.getByRole('link', { name: 'Skip to content' }).count()).toBe(1);
    expect(await page.title()).toMatch(/Confidant/);
    await checkAccessibility(page);
    expect(errors()).toEqual([]);
    await page.close();
  });

  it('shows the not-found page for an unknown address', async () => {
    const { page, errors } = await browser.newPage();
    const response = await page.goto('/no/such/page');
    expect(response?.status()).toBe(200);
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
    // Inside the layout: the navigation stays usable on a not-found page.
    expect(await page.getByRole('navigation', { name: 'Main' }).count()).toBe(1);
    expect(await page.title()).toBe('Page not found — Confidant');
    await checkAccessibility(page);
    expect(errors()).toEqual([]);
    await page.close();
  });

  it('keyboard users get a visible skip link and focus follows client-side navigation', async () => {
    const { page, errors } = await browser.newPage();
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
    await page.getByRole('heading', { level: 1 }).first().waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
    expect(errors()).toEqual([]);
    await page.close();
  });

  it('the accessibility check fails on serious violations (so a clean result means something)', async () => {
    const { page } = await browser.newPage();
    await page.goto('/');
    await page.getByRole('main').waitFor();
    await page.evaluate(() => {
      const button = document.createElement('button');
      document.getElementById('main')!.append(button, document.createElement('img'));
    });
    await expect(checkAccessibility(page)).rejects.toThrow(/button-name|image-alt/);
    await page.close();
  });

  it('answers unknown API routes with the error model, not the app', async () => {
    const response = await fetch(`${server.url}/api/v1/no-such-route`);
    expect(response.status).toBe(404);
    const body = (await response.json()) as { error: { code: string } };
    expect(body.error.code).toBe('NOT_FOUND');
  });
});

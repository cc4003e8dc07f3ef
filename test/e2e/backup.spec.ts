/// <reference lib="dom" />
/**
 * The Backups page in a real browser against the real built server, started with a backup target
 * (a temporary folder) and an age recipient generated here: the firm administrator opens Backups
 * from the navigation and sees the empty states; "Back up now" queues a backup that appears with
 * its figures; "Run a drill now" is refused (no drill identity) with the server's words next to
 * the button; the compliance officer sees who asked by name; an attorney has no entry and gets
 * the not-found page. No UUID in the visible text; the page fits 390 px and passes axe.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateIdentity, identityToRecipient } from 'age-encryption';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAccessibility, createStaffWithCli, launchBrowser, measureWidth, signInAsFirstAdministrator, signInWithMfa, startServer, type LaunchedBrowser, type RunningServer, type TrackedPage } from './support/index.js';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

const mainText = async (page: Page) => (await page.locator('main').innerText()).trim();

/** The page at a phone's width: nothing wider than the screen, then back to the desktop width. */
async function checkPhoneWidth(page: Page): Promise<void> {
  await page.setViewportSize({ width: 390, height: 844 });
  expect((await measureWidth(page)).overflowing).toEqual([]);
  await checkAccessibility(page);
  await page.setViewportSize({ width: 1280, height: 800 });
}

describe('the Backups page in the browser', () => {
  let server: RunningServer;
  let browser: LaunchedBrowser;
  let tab: TrackedPage;
  let backupDir: string;

  beforeAll(async () => {
    backupDir = mkdtempSync(join(tmpdir(), 'confidant-e2e-backups-'));
    const recipient = await identityToRecipient(await generateIdentity());
    server = await startServer({ env: { BACKUP_TO: backupDir, BACKUP_RECIPIENTS: recipient } });
    browser = await launchBrowser({ baseURL: server.url });
    tab = await browser.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (backupDir) rmSync(backupDir, { recursive: true, force: true });
  });

  it('the firm administrator opens Backups from the navigation and sees the empty states', async () => {
    const { page } = tab;
    await signInAsFirstAdministrator(page, server);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Backups' }).click();
    await page.getByRole('heading', { name: 'Backups', level: 1 }).waitFor();
    const backupCard = page.getByRole('region', { name: 'Last successful backup' });
    await backupCard.getByText('No backup has been made yet.').waitFor();
    expect(await backupCard.innerText()).toContain('confidant backup create');
    await page.getByRole('region', { name: 'Last successful drill' }).getByText('No drill has been run yet.').waitFor();
    const settings = await page.getByRole('region', { name: 'Settings' }).innerText();
    expect(settings).toContain(backupDir);
    expect(settings).toContain('1 recipient');
    expect(settings).toContain('not scheduled — a cron job or the command line runs them');
    await page.getByText('No backups, drills or restores recorded yet.').waitFor();
    expect(await mainText(page)).not.toMatch(UUID);
    await checkAccessibility(page);
    await checkPhoneWidth(page);
  });

  it('"Back up now" queues a backup, which appears with its figures and who asked', async () => {
    const { page } = tab;
    await page.getByRole('button', { name: 'Back up now' }).click();
    await page.getByText('Backup queued.').waitFor();
    await page.getByText('The backup finished: it is in the list of recent runs below.').waitFor({ timeout: 45_000 });
    const row = page.getByRole('region', { name: 'Recent runs' }).getByRole('row', { name: /Backup/ });
    await row.waitFor();
    const rowText = await row.innerText();
    expect(rowText).toContain('Succeeded');
    expect(rowText).toContain('Ada Admin (you)');
    expect(rowText).toMatch(/\d+ blobs?/);
    expect(rowText).toMatch(/archive \d/);
    const card = page.getByRole('region', { name: 'Last successful backup' });
    await card.getByText('Document blobs').waitFor();
    expect(await card.innerText()).toMatch(/Database archive\s+[\d.]+ (B|KiB|MiB)/);
    expect(await card.innerText()).not.toContain('No backup');
    expect(await mainText(page)).not.toMatch(UUID);
    await checkAccessibility(page);
    await checkPhoneWidth(page);
  });

  it('"Run a drill now" is refused without a drill identity, in the server\'s words next to the button', async () => {
    const { page } = tab;
    await page.getByRole('button', { name: 'Run a drill now' }).click();
    const action = page.locator('.bk-action').filter({ has: page.getByRole('button', { name: 'Run a drill now' }) });
    await action.getByRole('alert').getByText('No drill identity is configured: set BACKUP_DRILL_IDENTITY_FILE').waitFor();
    await checkAccessibility(page);
  });

  it('the compliance officer sees who asked by name', async () => {
    const { page } = tab;
    const officer = createStaffWithCli(server, { email: 'olivia@firm.example', name: 'Olivia Officer', role: 'compliance_officer', password: 'officer passphrase that is long 42' });
    // Signed out from the start page, so signing in lands there (not back on this page).
    await page.goto('/');
    await signInWithMfa(page, officer);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Backups' }).click();
    await page.getByRole('heading', { name: 'Backups', level: 1 }).waitFor();
    const row = page.getByRole('region', { name: 'Recent runs' }).getByRole('row', { name: /Backup/ });
    await row.getByText('Ada Admin').waitFor();
    expect(await mainText(page)).not.toMatch(UUID);
    expect(await mainText(page)).not.toContain('Unknown person');
  });

  it('an attorney has no Backups entry and gets the not-found page at its address', async () => {
    const { page } = tab;
    const attorney = createStaffWithCli(server, { email: 'alice@firm.example', name: 'Alice Attorney', role: 'attorney', password: 'attorney passphrase that is long 71' });
    await page.goto('/');
    await signInWithMfa(page, attorney);
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Home' }).waitFor();
    expect(await nav.getByRole('link', { name: 'Backups' }).count()).toBe(0);
    await page.goto('/backups');
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
    expect(await mainText(page)).not.toContain('Back up now');
  });
});

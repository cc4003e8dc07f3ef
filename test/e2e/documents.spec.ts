/// <reference lib="dom" />
/**
 * Documents as a lawyer uses them, in a real browser against the real built server: upload, upload
 * a file of the same name again (offered as a new version), refuse an empty file, rename, mark
 * privileged, preview text (as text, never as HTML) and an image in the sandboxed viewer, move to
 * the trash and restore — and the page stays within a phone's width.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAccessibility, launchBrowser, measureWidth, signInWithClientAndMatter, startServer, type LaunchedBrowser, type RunningServer, type TrackedPage } from './support/index.js';

// The smallest valid PNG (1×1): the server detects image/png from its bytes.
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c626001000000ffff03000006000557bfabd40000000049454e44ae426082', 'hex');

describe('documents in the browser', () => {
  let server: RunningServer;
  let browser: LaunchedBrowser;
  let tab: TrackedPage;
  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser({ baseURL: server.url });
    tab = await browser.newPage();
    await signInWithClientAndMatter(tab.page, server, {
      attorney: { email: 'dora@firm.example', name: 'Dora Documents', password: 'attorney passphrase that is long 83' },
      clientName: 'Fabrikam Inc',
      matterTitle: 'Fabrikam lease dispute',
    });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('uploads, and offers a file of the same name as a new version', async () => {
    const { page } = tab;
    const input = page.locator('input[type=file]');
    await input.setInputFiles({ name: 'Lease notes.txt', mimeType: 'text/plain', buffer: Buffer.from('First draft of the lease notes.\n') });
    const row = page.getByRole('row', { name: /Lease notes\.txt/ });
    await row.waitFor();
    await row.getByRole('button', { name: 'v1' }).waitFor();

    await input.setInputFiles({ name: 'Lease notes.txt', mimeType: 'text/plain', buffer: Buffer.from('Second draft: <script>alert(1)</script><b>not bold</b>\n') });
    const clash = page.getByRole('group', { name: 'A document named Lease notes.txt already exists' });
    await clash.waitFor();
    await checkAccessibility(page);
    await clash.getByRole('button', { name: 'Upload as version 2 of “Lease notes.txt”' }).click();
    await page.getByRole('status').getByText('Uploaded “Lease notes.txt” as version 2 of “Lease notes.txt”.').waitFor();
    await row.getByRole('button', { name: 'v2' }).waitFor();
    // Still one document, not two.
    expect(await page.getByRole('row', { name: /Lease notes\.txt/ }).count()).toBe(1);
  });

  it('refuses an empty file with a clear message', async () => {
    const { page } = tab;
    await page.locator('input[type=file]').setInputFiles({ name: 'empty.txt', mimeType: 'text/plain', buffer: Buffer.alloc(0) });
    const alert = page.getByRole('alert').filter({ hasText: '“empty.txt” was not uploaded' });
    await alert.waitFor();
    expect(await alert.textContent()).toContain('is empty (0 bytes)');
    expect(await page.getByRole('row', { name: /empty\.txt/ }).count()).toBe(0);
  });

  it('previews text as text (no markup runs) and an image in the sandboxed viewer', async () => {
    const { page, errors } = tab;
    const before = errors().length;
    await page.getByRole('button', { name: 'Preview Lease notes.txt' }).click();
    const text = page.getByLabel('Text of Lease notes.txt');
    await text.waitFor();
    expect(await text.textContent()).toContain('<script>alert(1)</script><b>not bold</b>');
    expect(await text.locator('b, script').count()).toBe(0);
    await page.getByRole('button', { name: 'Close preview' }).click();

    await page.locator('input[type=file]').setInputFiles({ name: 'Site photo.png', mimeType: 'image/png', buffer: PNG });
    await page.getByRole('row', { name: /Site photo\.png/ }).waitFor();
    await page.getByRole('button', { name: 'Preview Site photo.png' }).click();
    const image = page.getByRole('img', { name: 'Preview of Site photo.png' });
    await image.waitFor();
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('.document-preview img');
      return img !== null && img.complete && img.naturalWidth === 1;
    });
    expect(await image.getAttribute('src')).toMatch(/^blob:/);
    await checkAccessibility(page);
    await page.getByRole('button', { name: 'Close preview' }).click();
    // No console error meanwhile (a CSP refusal of the blob: image would be one).
    expect(errors().slice(before)).toEqual([]);
  });

  it('renames and marks privileged', async () => {
    const { page } = tab;
    await page.getByRole('button', { name: 'Rename Lease notes.txt' }).click();
    const form = page.getByRole('form', { name: 'Rename Lease notes.txt' });
    await form.getByLabel('New name').fill('Lease notes — final.txt');
    await form.getByRole('button', { name: 'Save' }).click();
    const row = page.getByRole('row', { name: /Lease notes — final\.txt/ });
    await row.waitFor();
    await row.getByRole('checkbox', { name: /Privileged/ }).check();
    await row.locator('.badge-privilege').waitFor();
    await row.getByLabel('Reclassify Lease notes — final.txt').selectOption('client-secret');
    await page.getByRole('row', { name: /Lease notes — final\.txt/ }).locator('.badge-client-secret').waitFor();
  });

  it('moves to the trash, shows it there, and restores it', async () => {
    const { page } = tab;
    await page.getByRole('button', { name: 'Move to trash: Site photo.png' }).click();
    await page.getByRole('status').getByText('“Site photo.png” was moved to the trash.').waitFor();
    await page.getByRole('row', { name: /Site photo\.png/ }).waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Show the trash' }).click();
    const trash = page.getByRole('region', { name: 'Trash' });
    await trash.getByText(/Site photo\.png — moved to the trash/).waitFor();
    await trash.getByRole('button', { name: 'Restore Site photo.png' }).click();
    await page.getByRole('row', { name: /Site photo\.png/ }).waitFor();
    await trash.getByText('The trash is empty.').waitFor();
  });

  it('fits a phone: at 390 px the page is not wider than the screen', async () => {
    const { page } = tab;
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('button', { name: 'Preview Lease notes — final.txt' }).click();
    await page.getByLabel('Text of Lease notes — final.txt').waitFor();
    expect((await measureWidth(page)).overflowing).toEqual([]);
  });
});

/// <reference lib="dom" />
/**
 * The vault in a real browser against the real built server: an attorney (created with the CLI,
 * enrolled with a real TOTP code) creates a client and a matter, uploads documents by file picker
 * and by drag-and-drop, downloads one back intact, writes a note and checks a physical record out.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAccessibility, isExpectedAuthError, launchBrowser, signInWithClientAndMatter, startServer, type LaunchedBrowser, type RunningServer, type TrackedPage } from './support/index.js';

const PASSWORD = 'attorney passphrase that is long 71';

describe('vault in the browser', () => {
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

  it('signs an attorney in (created with the CLI, enrolled with TOTP), creates a client and opens a matter', async () => {
    const { page } = tab;
    const { attorney, clientId, matterId } = await signInWithClientAndMatter(page, server, {
      attorney: { email: 'alice@firm.example', name: 'Alice Attorney', password: PASSWORD },
      clientName: 'Northwind Traders',
      clientEmail: 'counsel@northwind.example',
      matterTitle: 'Northwind v. Contoso',
      // The Clients page and the new matter's page.
      inspect: (on) => checkAccessibility(on),
    });
    expect(attorney.totpSecret).toMatch(/^[A-Z2-7]{32}$/);
    expect(page.url()).toContain(`/matters/${matterId}`);
    expect(clientId).not.toBe(matterId);
  });

  it('uploads by file picker and by drag-and-drop, shows badges and versions, downloads intact', async () => {
    const { page } = tab;
    const content = Buffer.from('%PDF-1.7\n' + 'confidential exhibit '.repeat(5000));
    await page.locator('input[type=file]').setInputFiles({ name: 'Exhibit A.pdf', mimeType: 'application/pdf', buffer: content });
    const row = page.getByRole('row', { name: /Exhibit A\.pdf/ });
    await row.waitFor();
    await row.locator('.badge-confidential').waitFor();
    await row.getByText('PDF', { exact: true }).waitFor();

    const dataTransfer = await page.evaluateHandle(() => {
      const transfer = new DataTransfer();
      transfer.items.add(new File(['dropped by drag and drop'], 'dropped.txt', { type: 'text/plain' }));
      return transfer;
    });
    await page.dispatchEvent('[data-testid=dropzone]', 'drop', { dataTransfer });
    await page.getByRole('row', { name: /dropped\.txt/ }).waitFor();

    const [download] = await Promise.all([page.waitForEvent('download'), row.getByRole('link', { name: 'Exhibit A.pdf' }).click()]);
    expect(download.suggestedFilename()).toBe('Exhibit A.pdf');
    expect(readFileSync((await download.path())!).equals(content)).toBe(true);

    await row.getByRole('button', { name: 'v1' }).click();
    await page.getByRole('list', { name: 'Versions of Exhibit A.pdf' }).getByText('Version 1').waitFor();
    await row.getByLabel('Reclassify Exhibit A.pdf').selectOption('client-secret');
    await page.getByRole('row', { name: /Exhibit A\.pdf/ }).locator('.badge-client-secret').waitFor();
  });

  it('writes a note and checks a physical record out and back in', async () => {
    const { page, errors } = tab;
    // Notes and records are tabs of the matter page (one URL each).
    await page.getByRole('navigation', { name: 'Matter sections' }).getByRole('link', { name: 'Notes' }).click();
    await page.waitForURL(/\/notes$/);
    await page.getByRole('button', { name: 'New note' }).click();
    await page.getByRole('form', { name: 'New note' }).getByLabel('Title').fill('First call');
    await page.getByLabel('Text').fill('Client wants to settle before trial.');
    await page.getByRole('button', { name: 'Save note' }).click();
    await page.getByRole('heading', { name: 'First call' }).waitFor();
    await page.getByText('Client wants to settle before trial.').waitFor();

    await page.getByRole('navigation', { name: 'Matter sections' }).getByRole('link', { name: 'Records' }).click();
    await page.waitForURL(/\/records$/);
    await page.getByLabel('Box or file id').fill('Box 7');
    await page.getByLabel('Location').fill('Archive room B');
    await page.getByRole('button', { name: 'Add record' }).click();
    await page.getByRole('button', { name: 'Check out Box 7' }).click();
    await page.getByRole('cell', { name: 'checked out' }).waitFor();
    await page.getByRole('button', { name: 'Check in Box 7' }).click();
    await page.getByRole('cell', { name: 'in place' }).waitFor();
    await checkAccessibility(page);
    expect(errors().filter((e) => !isExpectedAuthError(e))).toEqual([]);
  });
});

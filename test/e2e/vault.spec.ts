/// <reference lib="dom" />
/**
 * The vault in a real browser against the real built server: an attorney (created with the CLI,
 * enrolled with a real TOTP code) creates a client and a matter, uploads documents by file picker
 * and by drag-and-drop, downloads one back intact, writes a note and checks a physical record out.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAccessibility, isExpectedAuthError, launchBrowser, REPO_ROOT, signInAsFirstAdministrator, startServer, totpCode, type LaunchedBrowser, type RunningServer, type TrackedPage } from './support/index.js';

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

  it('signs an attorney in (created with the CLI, enrolled with TOTP)', async () => {
    const { page } = tab;
    await signInAsFirstAdministrator(page, server);
    const created = spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'confidant.js'), 'user', 'create', '--email', 'alice@firm.example', '--name', 'Alice Attorney', '--role', 'attorney', '--password-stdin'], {
      input: `${PASSWORD}\n`,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', CONFIDANT_DATA_DIR: server.dataDir, LOG_LEVEL: 'warn' },
      encoding: 'utf8',
    });
    expect(created.status, created.stderr).toBe(0);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/sign-in$/);
    await page.getByLabel('Email').fill('alice@firm.example');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/enroll/);
    await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
    const secret = ((await page.getByTestId('totp-secret').textContent()) ?? '').trim();
    await page.getByLabel('6-digit code').fill(totpCode(secret));
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByRole('button', { name: 'I have saved them' }).click();
    await page.getByRole('heading', { name: 'Welcome to Confidant' }).waitFor();
  });

  it('creates a client and opens a matter', async () => {
    const { page } = tab;
    await page.getByRole('link', { name: 'Clients' }).click();
    await page.getByRole('heading', { name: 'Clients' }).waitFor();
    await checkAccessibility(page);
    await page.getByText('New client').click();
    await page.getByLabel('Name').fill('Northwind Traders');
    await page.getByLabel('Email').fill('counsel@northwind.example');
    await page.getByRole('button', { name: 'Create client' }).click();
    await page.getByRole('heading', { name: 'Northwind Traders' }).waitFor();
    await page.getByText('counsel@northwind.example').waitFor();
    await page.getByText('Open a matter').click();
    await page.getByLabel('Title').fill('Northwind v. Contoso');
    await page.getByRole('button', { name: 'Open matter' }).click();
    await page.getByRole('heading', { name: /Northwind v\. Contoso/ }).waitFor();
    await checkAccessibility(page);
  });

  it('uploads by file picker and by drag-and-drop, shows badges and versions, downloads intact', async () => {
    const { page } = tab;
    const content = Buffer.from('%PDF-1.7\n' + 'confidential exhibit '.repeat(5000));
    await page.locator('input[type=file]').setInputFiles({ name: 'Exhibit A.pdf', mimeType: 'application/pdf', buffer: content });
    const row = page.getByRole('row', { name: /Exhibit A\.pdf/ });
    await row.waitFor();
    await row.locator('.badge-confidential').waitFor();
    await row.getByText('application/pdf').waitFor();

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
    await page.getByRole('button', { name: 'New note' }).click();
    await page.getByRole('form', { name: 'New note' }).getByLabel('Title').fill('First call');
    await page.getByLabel('Text').fill('Client wants to settle before trial.');
    await page.getByRole('button', { name: 'Save note' }).click();
    await page.getByRole('heading', { name: 'First call' }).waitFor();
    await page.getByText('Client wants to settle before trial.').waitFor();

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

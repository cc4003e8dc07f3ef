/// <reference lib="dom" />
/**
 * Stored XSS from the attacker's side, in the real web app: a client name, matter title, document
 * name, note title and body, and a record label carrying script payloads are created through the
 * API (as an insider or a compromised intake form would), then an attorney opens every page that
 * shows them. The test fails if any payload runs (a flag set on window, a dialog, a request to the
 * payload's URL) or if the payload is not shown as plain text.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, REPO_ROOT, signInAsFirstAdministrator, startServer, totpCode, type LaunchedBrowser, type RunningServer, type TrackedPage } from './support/index.js';

const PASSWORD = 'attorney passphrase that is long 71';
const PAYLOADS = [`<img src=x onerror="window.__xss='img'">`, `<script>window.__xss='script'</script>`, `"><svg onload="window.__xss='svg'">`, `javascript:window.__xss='href'`];
const NAME = `Evil ${PAYLOADS[0]} ${PAYLOADS[2]}`;

describe('stored XSS in the browser', () => {
  let server: RunningServer;
  let browser: LaunchedBrowser;
  let tab: TrackedPage;
  const ids = { clientId: '', matterId: '' };
  const dialogs: string[] = [];
  const payloadRequests: string[] = [];

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser({ baseURL: server.url });
    tab = await browser.newPage();
    tab.page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    tab.page.on('request', (request) => {
      if (/\/x$/.test(new URL(request.url()).pathname)) payloadRequests.push(request.url());
    });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const cli = (args: string[], input = '') => spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'confidant.js'), ...args], { input, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', CONFIDANT_DATA_DIR: server.dataDir, LOG_LEVEL: 'warn' }, encoding: 'utf8' });

  it('plants payloads in every client-data field through the API', async () => {
    await signInAsFirstAdministrator(tab.page, server);
    expect(cli(['user', 'create', '--email', 'alice@firm.example', '--name', 'Alice Attorney', '--role', 'attorney', '--password-stdin'], `${PASSWORD}\n`).status).toBe(0);
    const token = cli(['token', 'create', '--email', 'alice@firm.example', '--expires-in', '1h']).stdout.trim();
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const post = async (path: string, body: unknown) => {
      const response = await fetch(`${server.url}/api/v1${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
      expect(response.status, await response.clone().text()).toBe(201);
      return (await response.json()) as { id: string };
    };
    ids.clientId = (await post('/clients', { kind: 'organisation', name: NAME, email: 'evil@client.example', address: PAYLOADS[1], identifiers: [{ type: 'ref', value: PAYLOADS[3]! }] })).id;
    ids.matterId = (await post('/matters', { clientId: ids.clientId, title: `Matter ${PAYLOADS[1]}`, practiceArea: PAYLOADS[0] })).id;
    await post(`/matters/${ids.matterId}/notes`, { title: `Note ${PAYLOADS[0]}`, body: `Body ${PAYLOADS.join(' ')}` });
    await post(`/matters/${ids.matterId}/records`, { label: `Box ${PAYLOADS[2]}`, location: PAYLOADS[1] });
    const upload = await fetch(`${server.url}/api/v1/matters/${ids.matterId}/documents`, { method: 'POST', headers: { authorization: headers.authorization, 'content-type': 'application/octet-stream', 'x-document-name': Buffer.from(`${PAYLOADS[0]}.html`).toString('base64url') }, body: `<html><script>window.__xss='document'</script></html>` });
    expect(upload.status).toBe(201);
  });

  it('an attorney opens every page showing them: nothing runs, payloads show as text', async () => {
    const { page } = tab;
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

    for (const path of ['/clients', `/clients/${ids.clientId}`, '/matters', `/matters/${ids.matterId}`]) {
      await page.goto(path);
      await page.getByText(/Evil|Matter|Note/).first().waitFor();
      await page.waitForTimeout(300);
      expect(await page.evaluate(() => (window as unknown as { __xss?: string }).__xss), `payload ran on ${path}`).toBeUndefined();
      // The payload is data: it is on the page as text, not as an element.
      expect(await page.locator('img[src=x], svg[onload]').count(), `injected element on ${path}`).toBe(0);
    }
    await page.goto(`/clients/${ids.clientId}`);
    await page.getByText(NAME).first().waitFor();
    await page.goto(`/matters/${ids.matterId}/notes`);
    await page.getByText(`Note ${PAYLOADS[0]}`).first().waitFor();
    // Open the note (its editor shows the body).
    await page.getByText(`Note ${PAYLOADS[0]}`).first().click();
    await page.waitForTimeout(500);
    expect(await page.evaluate(() => (window as unknown as { __xss?: string }).__xss)).toBeUndefined();
    expect(dialogs).toEqual([]);
    expect(payloadRequests, 'no request for the payload image').toEqual([]);
  });
});

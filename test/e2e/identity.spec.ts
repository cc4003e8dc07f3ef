/// <reference lib="dom" />
/**
 * Identity in a real browser against the real built server: the first administrator is created
 * from the printed setup link, enrolls an authenticator app with a real TOTP code, signs in again
 * with a fresh code, adds a passkey through Chrome's virtual WebAuthn authenticator (DevTools
 * protocol), and signs in with the passkey.
 */
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAccessibility, launchBrowser, startServer, type LaunchedBrowser, type RunningServer, type TrackedPage } from './support/index.js';

const PASSWORD = 'a long and unusual passphrase 93';

// Passkeys need a domain, not an IP address: the server accepts localhost for its loopback URL.
const viaLocalhost = (url: string) => url.replace('//127.0.0.1:', '//localhost:');

function totpCode(secret: string, at = Date.now()): string {
  return new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 }).generate({ timestamp: at });
}

async function waitForNextTotpStep(): Promise<void> {
  await new Promise((done) => setTimeout(done, 30_000 - (Date.now() % 30_000) + 300));
}

describe('identity in the browser', () => {
  let server: RunningServer;
  let browser: LaunchedBrowser;
  let tab: TrackedPage;
  let secret = '';
  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser({ baseURL: viaLocalhost(server.url) });
    tab = await browser.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('sends signed-out visitors to the sign-in page, which is accessible', async () => {
    const { page } = tab;
    await page.goto('/');
    await page.waitForURL(/\/sign-in$/);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByText('No administrator exists yet').waitFor();
    await checkAccessibility(page);
  });

  it('creates the first administrator from the setup link and enrolls TOTP with a real code', async () => {
    const { page } = tab;
    const link = [...server.output().matchAll(/(http:\/\/\S+\/setup#[A-Za-z0-9_-]+)/g)].at(-1)?.[1];
    expect(link).toBeDefined();
    await page.goto(viaLocalhost(link!));
    await page.getByLabel('Your name').fill('Ada Admin');
    await page.getByLabel('Email').fill('ada@firm.example');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create administrator' }).click();
    await page.waitForURL(/\/enroll/);
    await checkAccessibility(page);
    await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
    await page.getByTestId('totp-secret').waitFor();
    secret = (await page.getByTestId('totp-secret').textContent()) ?? '';
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(await page.getByRole('img', { name: /QR code/ }).getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    await page.getByLabel('6-digit code').fill(totpCode(secret));
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByTestId('recovery-codes').waitFor();
    const codes = await page.getByTestId('recovery-codes').locator('li').allTextContents();
    expect(codes).toHaveLength(10);
    await page.getByRole('button', { name: 'I have saved them' }).click();
    await page.getByRole('heading', { name: 'Welcome to Confidant' }).waitFor();
    await page.getByText('Ada Admin').waitFor();
    // The setup link works once.
    expect(await (await fetch(`${server.url}/api/v1/auth/setup`)).json()).toEqual({ pending: false });
  });

  it('signs out, then signs in with the password and a fresh TOTP code', async () => {
    const { page, errors } = tab;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/sign-in$/);
    await page.getByLabel('Email').fill('ada@firm.example');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/sign-in\/mfa/);
    await page.getByLabel('Code from your authenticator app').fill('000000');
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByText('That code is not valid').waitFor();
    // The enrollment code's time step is spent (replays are refused): use the next one.
    await waitForNextTotpStep();
    await page.getByLabel('Code from your authenticator app').fill(totpCode(secret));
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByRole('heading', { name: 'Welcome to Confidant' }).waitFor();
    expect(errors().filter((e) => !/status of 401/.test(e))).toEqual([]);
  });

  it('adds a passkey with a virtual authenticator and signs in with it', async () => {
    const { page } = tab;
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
    });
    await page.getByRole('link', { name: 'Account' }).click();
    await page.getByRole('heading', { name: 'Your account' }).waitFor();
    await checkAccessibility(page);
    await page.getByRole('button', { name: 'Add a second factor' }).click();
    await page.getByLabel('Name for this passkey').fill('Virtual key');
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await page.getByText('Passkey “Virtual key”').waitFor();

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/sign-in\?next=%2Faccount$/);
    await page.getByLabel('Email').fill('ada@firm.example');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/sign-in\/mfa/);
    await page.getByRole('button', { name: 'Use a passkey' }).click();
    // Back where the user signed out from.
    await page.getByRole('heading', { name: 'Your account' }).waitFor();
    await page.getByText(/Passkey “Virtual key” — added .*, last used (?!never)/).waitFor();
  });

  it('shows the people page to the administrator and invites someone', async () => {
    const { page } = tab;
    await page.getByRole('link', { name: 'People' }).click();
    await page.getByRole('heading', { name: 'People' }).waitFor();
    await page.getByLabel('Name').first().fill('Pat Paralegal');
    await page.getByLabel('Email').fill('pat@firm.example');
    await page.getByLabel('Role').first().selectOption('paralegal');
    await page.getByRole('button', { name: 'Send invitation' }).click();
    await page.getByText('Invitation for pat@firm.example written to the mail outbox').waitFor();
    await page.getByRole('cell', { name: 'pat@firm.example' }).waitFor();
    await checkAccessibility(page);
  });
});

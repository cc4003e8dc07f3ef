/// <reference lib="dom" />
/**
 * Identity in a real browser against the real built server: the first administrator is created
 * from the printed setup link, enrolls an authenticator app with a real TOTP code, signs in again
 * with a fresh code, adds a passkey through Chrome's virtual WebAuthn authenticator (DevTools
 * protocol), and signs in with the passkey. A failed single sign-on is explained in plain words;
 * creating an API token with a factor older than 10 minutes asks for the factor inline first.
 */
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAccessibility, createStaffWithCli, launchBrowser, runCli, signInAsFirstAdministrator, signInWithMfa, startServer, type LaunchedBrowser, type RunningServer, type TrackedPage } from './support/index.js';
import { startMailCatcher, type CaughtMail, type MailCatcher } from '../../server/test-support/mail-catcher.js';

const PASSWORD = 'a long and unusual passphrase 93';
// Below the web app's 90-day ceiling, so the server's own limit shows next to the field.
const TOKEN_MAX_LIFETIME_DAYS = 60;

// Passkeys need a domain, not an IP address: the server accepts localhost for its loopback URL.
const viaLocalhost = (url: string) => url.replace('//127.0.0.1:', '//localhost:');

function totpCode(secret: string, at = Date.now()): string {
  return new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 }).generate({ timestamp: at });
}

async function waitForNextTotpStep(): Promise<void> {
  await new Promise((done) => setTimeout(done, 30_000 - (Date.now() % 30_000) + 300));
}

/** Moves the last second-factor check of every live session `ms` into the past (the server has a real clock). */
function ageSecondFactor(server: RunningServer, ms: number): void {
  const db = new Database(join(server.dataDir, 'confidant.db'));
  try {
    db.pragma('busy_timeout = 5000');
    const aged = db.prepare('UPDATE identity_sessions SET mfa_at = mfa_at - ? WHERE revoked_at IS NULL AND mfa_at IS NOT NULL').run(ms);
    expect(aged.changes).toBeGreaterThan(0);
  } finally {
    db.close();
  }
}

/** With E2E_SCREENSHOT_DIR set: a full-page screenshot at a phone's width, for a person to look at. */
async function screenshotAt390(page: TrackedPage['page'], file: string): Promise<void> {
  const dir = process.env.E2E_SCREENSHOT_DIR;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: join(dir, file), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });
}

describe('identity in the browser', () => {
  let server: RunningServer;
  let browser: LaunchedBrowser;
  let tab: TrackedPage;
  let secret = '';
  beforeAll(async () => {
    server = await startServer({ env: { TOKEN_MAX_LIFETIME_DAYS: String(TOKEN_MAX_LIFETIME_DAYS) } });
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

  it('explains a failed single sign-on in plain words, as an alert', async () => {
    const { page } = tab;
    await page.goto('/sign-in?sso=failed&reason=email_unverified');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    const alert = page.getByRole('alert').filter({ hasText: 'did not confirm your email address' });
    await alert.waitFor();
    expect(await alert.textContent()).toBe(
      "Your organisation's sign-in did not confirm your email address, so Confidant could not match it to your account. Ask your administrator.",
    );
    // Without a reason (or with one the page does not know): the general message, never the raw value.
    await page.goto('/sign-in?sso=failed&reason=%3Cb%3Eforged%3C%2Fb%3E');
    await page.getByRole('alert').filter({ hasText: 'Single sign-on did not complete' }).waitFor();
    expect(await page.getByText('forged').count()).toBe(0);
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
    // Shown once, so they can be copied, downloaded as a text file or printed from here.
    await page.getByRole('button', { name: 'Copy' }).waitFor();
    await page.getByRole('button', { name: 'Print' }).waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download (.txt)' }).click()]);
    expect(download.suggestedFilename()).toBe('confidant-recovery-codes.txt');
    const saved = readFileSync((await download.path())!, 'utf8');
    for (const code of codes) expect(saved).toContain(code.trim());
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
    const row = page.getByRole('row').filter({ hasText: 'pat@firm.example' });
    expect(await row.getByTestId('status-badge').textContent()).toBe('Invitation pending');
    expect(await page.getByRole('row').filter({ hasText: 'ada@firm.example' }).getByTestId('status-badge').textContent()).toBe('Active');
    await row.getByRole('button', { name: 'Resend invitation to Pat Paralegal' }).click();
    await page.getByText('A new invitation for pat@firm.example was written to the mail outbox folder on the server; the earlier link no longer works.').waitFor();
    await checkAccessibility(page);
  });

  it('asks for the second factor before creating an API token when the last one is over 10 minutes old, then creates it', async () => {
    const { page } = tab;
    // The passkey sign-in above was seconds ago: make it 11 minutes old, as if the person had been working a while.
    ageSecondFactor(server, 11 * 60_000);
    await page.getByRole('link', { name: 'Account' }).click();
    await page.getByRole('heading', { name: 'Your account' }).waitFor();
    const form = page.getByRole('form', { name: 'Create an API token' });
    expect(await form.getByLabel('Expires after (days)').getAttribute('max')).toBe('90');
    await form.getByLabel('Token name').fill('Build server');
    await form.getByLabel('Expires after (days)').fill('30');
    await form.getByRole('button', { name: 'Create token' }).click();

    const prompt = page.getByRole('dialog', { name: 'Confirm with your second factor' });
    await prompt.waitFor();
    expect(await page.getByTestId('new-token').count()).toBe(0);
    await checkAccessibility(page);
    await screenshotAt390(page, 'account-step-up-390.png');
    await prompt.getByRole('button', { name: 'Use a passkey' }).click();
    // Confirmed: the token is created without clicking again.
    await page.getByTestId('new-token').waitFor();
    expect(await page.getByTestId('new-token').textContent()).toMatch(/^cft_/);
    const shown = page.locator('.new-token');
    for (const name of ['Copy', 'Download (.txt)', 'Print']) await shown.getByRole('button', { name }).waitFor();
    expect(await prompt.count()).toBe(0);
    await page.getByText(/^Build server \(read\) — expires/).waitFor();

    // Longer than the web app offers: refused before asking the server.
    await form.getByLabel('Token name').fill('Too long');
    await form.getByLabel('Expires after (days)').fill('120');
    await form.getByRole('button', { name: 'Create token' }).click();
    await form.getByText('Enter a whole number of days from 1 to 90.').waitFor();
    // Within 90 days but over this firm's limit: the server's 400 shows next to the field.
    await form.getByLabel('Expires after (days)').fill('90');
    await form.getByRole('button', { name: 'Create token' }).click();
    await form.getByText(`must be between one minute and ${TOKEN_MAX_LIFETIME_DAYS} days`).waitFor();
    expect(await form.getByLabel('Expires after (days)').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByText('Too long (').count()).toBe(0);

    await screenshotAt390(page, 'account-390.png');
  });

  it('says that signing out everywhere else ended the API tokens too', async () => {
    const { page } = tab;
    await page.getByRole('button', { name: 'Sign out everywhere else' }).click();
    await page.getByRole('status').filter({ hasText: 'all your API tokens were ended too' }).waitFor();
    await page.getByRole('heading', { name: 'API tokens' }).waitFor();
    await page.waitForFunction(() => !document.body.textContent?.includes('Build server ('));
  });

  it('asks again for the factor on the break-glass page, then says plainly that emergency access is not available', async () => {
    const { page } = tab;
    ageSecondFactor(server, 11 * 60_000);
    await page.goto('/access/break-glass');
    await page.getByRole('heading', { name: 'Emergency access (break-glass)' }).waitFor();
    await page.getByLabel('Link to the matter').fill(`${server.url}/matters/${randomUUID()}`);
    await page.getByLabel('Justification (at least 20 characters)').fill('The client is in court within the hour.');
    await page.getByRole('button', { name: 'Open emergency access for one hour' }).click();
    const prompt = page.getByRole('dialog', { name: 'Confirm with your second factor' });
    await prompt.getByRole('button', { name: 'Use a passkey' }).click();
    // A firm administrator is never entitled; the answer is the same 404 as for a missing matter.
    const alert = page.getByRole('alert').filter({ hasText: 'Emergency access is not available' });
    await alert.waitFor();
    expect(await alert.textContent()).toContain('not for your account');
    expect(await alert.textContent()).not.toMatch(/matter exists|screened/i);
    expect(await prompt.count()).toBe(0);
    await checkAccessibility(page);
  });
});


describe('recovery in the browser, with mail through a real SMTP server', () => {
  let smtp: MailCatcher | undefined;
  const received = (): CaughtMail[] => smtp?.mails ?? [];
  let server: RunningServer;
  let browser: LaunchedBrowser;
  let tab: TrackedPage;
  let adminToken = '';
  const attorney = { email: 'ann@firm.example', name: 'Ann Attorney', role: 'attorney' as const, password: 'ann has a long unusual passphrase 27', totpSecret: '' };
  const NEW_PASSWORD = 'ann chose a different passphrase 81';

  async function mailFor(email: string, path: string, count = 1): Promise<string> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const links = received().filter((m) => m.to.includes(email)).map((m) => new RegExp(`https?://[^\\s]+/${path}#[A-Za-z0-9_-]+`).exec(m.text)?.[0]).filter((l): l is string => l !== undefined);
      if (links.length >= count) return links[count - 1]!;
      if (Date.now() > deadline) throw new Error(`no ${path} mail for ${email}`);
      await new Promise((done) => setTimeout(done, 100));
    }
  }
  const api = (method: string, path: string) => fetch(`${server.url}/api/v1${path}`, { method, headers: { authorization: `Bearer ${adminToken}` } });

  beforeAll(async () => {
    smtp = await startMailCatcher();
    server = await startServer({ env: { SMTP_URL: smtp.url, MAIL_FROM: 'confidant@firm.example' } });
    browser = await launchBrowser({ baseURL: viaLocalhost(server.url) });
    tab = await browser.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await smtp?.close();
  });

  it('sends an invitation by mail, and a resent one kills the first link', async () => {
    const { page } = tab;
    await signInAsFirstAdministrator(page, server);
    await page.getByRole('link', { name: 'People' }).click();
    await page.getByLabel('Name').first().fill('Pat Paralegal');
    await page.getByLabel('Email').fill('pat@firm.example');
    await page.getByLabel('Role').first().selectOption('paralegal');
    await page.getByRole('button', { name: 'Send invitation' }).click();
    await page.getByText('Invitation sent to pat@firm.example.').waitFor();
    const first = await mailFor('pat@firm.example', 'invite');
    await page.getByRole('row').filter({ hasText: 'pat@firm.example' }).getByRole('button', { name: 'Resend invitation to Pat Paralegal' }).click();
    await page.getByText('A new invitation was sent to pat@firm.example; the earlier link no longer works.').waitFor();
    const second = await mailFor('pat@firm.example', 'invite', 2);
    expect(second).not.toBe(first);
    const old = await fetch(`${server.url}/api/v1/auth/invite/accept`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: new URL(first).hash.slice(1), password: NEW_PASSWORD }) });
    expect(old.status).toBe(401);
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('tells a person whose sessions an administrator ended why, at the sign-in page', async () => {
    const { page } = tab;
    createStaffWithCli(server, attorney);
    const minted = runCli(server, ['token', 'create', '--email', 'ada@firm.example', '--expires-in', '1h', '--json']);
    adminToken = (JSON.parse(minted.stdout) as { token: string }).token;
    // Signed out from the start page, so the attorney lands there (not on the administrator's page).
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/sign-in/);
    await page.goto('/sign-in');
    await signInWithMfa(page, attorney);
    const users = (await (await api('GET', '/users')).json()) as { users: { id: string; email: string }[] };
    const ann = users.users.find((u) => u.email === attorney.email)!;
    expect((await api('POST', `/users/${ann.id}/sessions/revoke-all`)).status).toBe(200);
    await page.reload();
    await page.waitForURL(/\/sign-in/);
    const notice = page.getByTestId('session-ended');
    await notice.waitFor();
    expect(await notice.textContent()).toMatch(/^Your sessions were ended by an administrator at .+; sign in again\.$/);
    // Told once: a fresh visit to the sign-in page says nothing more.
    await page.reload();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await page.getByTestId('session-ended').count()).toBe(0);
  });

  it('resets a forgotten password by mail, still asking for the second factor, and the link works once', async () => {
    const { page } = tab;
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.getByRole('heading', { name: 'Reset your password' }).waitFor();
    await checkAccessibility(page);
    // An address without an account gets exactly the same answer.
    await page.getByLabel('Email').fill('nobody@firm.example');
    await page.getByRole('button', { name: 'Send the link' }).click();
    const unknownAnswer = (await page.getByTestId('reset-requested').textContent())!.replace('nobody@firm.example', 'X');
    await page.goto('/forgot-password');
    await page.getByLabel('Email').fill(attorney.email);
    await page.getByRole('button', { name: 'Send the link' }).click();
    expect((await page.getByTestId('reset-requested').textContent())!.replace(attorney.email, 'X')).toBe(unknownAnswer);
    const link = await mailFor(attorney.email, 'reset-password');
    expect(received().some((m) => m.to.includes('nobody@firm.example'))).toBe(false);

    await page.goto(new URL(link).pathname + new URL(link).hash);
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    await page.getByLabel('New password').fill(NEW_PASSWORD);
    await page.getByLabel('Code from your authenticator app').fill('000000');
    await page.getByRole('button', { name: 'Set the new password' }).click();
    await page.getByText('That code is not valid').waitFor();
    await checkAccessibility(page);
    // The sign-in just now used this 30-second step's code: take the next one.
    await waitForNextTotpStep();
    await page.getByLabel('Code from your authenticator app').fill(totpCode(attorney.totpSecret));
    await page.getByRole('button', { name: 'Set the new password' }).click();
    await page.getByRole('heading', { name: 'Welcome to Confidant' }).waitFor();
    expect(new URL(page.url()).hash).toBe('');

    await page.goto(new URL(link).pathname + new URL(link).hash);
    await page.getByTestId('reset-link-invalid').waitFor();
    await page.getByRole('link', { name: 'Ask for a new link' }).waitFor();
  });

  it('says plainly that passkeys need a domain name when the page is on a bare IP address', async () => {
    const other = await browser.newPage();
    try {
      const { page } = other;
      const staff = createStaffWithCli(server, { email: 'ivy@firm.example', name: 'Ivy IP', role: 'paralegal', password: 'ivy has a long unusual passphrase 39' });
      // The server prints localhost (or 127.0.0.1): open it on the bare IP either way.
      const bareIp = server.url.replace('//localhost:', '//127.0.0.1:');
      await page.goto(`${bareIp}/sign-in`);
      await page.getByLabel('Email').fill(staff.email);
      await page.getByLabel('Password').fill(staff.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(/\/enroll/);
      await page.getByRole('button', { name: 'Add a passkey' }).click();
      const alert = page.getByTestId('passkey-error');
      await alert.waitFor();
      expect(await alert.textContent()).toContain(`Passkeys need a domain name, not an IP address; open http://localhost:${new URL(bareIp).port} instead.`);
    } finally {
      await other.page.close();
    }
  });
});

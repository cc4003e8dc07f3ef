/// <reference lib="dom" />
/**
 * The client portal in a real browser against the real built server, with mail through a real
 * SMTP peer, from both sides: a compliance officer publishes the data notice; the lead attorney
 * invites two of the client's people (one through the Portal tab's form, the journey's contact
 * with consents to ask through the API); the contact, in a browser of her own, follows the mailed
 * link, chooses a password, enrolls a passkey (a virtual authenticator) and signs in again with
 * it; reads the notice and gives the consent asked; writes about her matter with an attachment
 * (markup in the text stays text); the attorney reads it, replies, and the contact sees the reply
 * and the read receipt while her mail says nothing of the content; a file request is answered by
 * an upload; a document shared from the versions row is downloaded byte for byte; she sees who can
 * open her data and who did, and proves an entry against the log in her browser; withdraws the
 * consent; and neither side reaches the other's pages. No page shows an id or is wider than a phone.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkAccessibility,
  createStaffWithCli,
  isExpectedAuthError,
  launchBrowser,
  measureWidth,
  runCli,
  signInWithClientAndMatter,
  startServer,
  totpCode,
  type LaunchedBrowser,
  type RunningServer,
  type StaffAccount,
  type TrackedPage,
} from './support/index.js';
import { startMailCatcher, type CaughtMail, type MailCatcher } from '../../server/test-support/mail-catcher.js';
import { ageChecker } from '../../server/test-support/age-check.js';

const SCREENSHOTS = process.env.E2E_SCREENSHOT_DIR ?? null;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
// Passkeys need a domain, not an IP address: the contact's browser opens the server on localhost.
const viaLocalhost = (url: string) => url.replace('//127.0.0.1:', '//localhost:');

const CAROL = { name: 'Carol Client', email: 'carol@northwind.example', password: 'carol chose a long portal passphrase 58' };
const NOTICE_TITLE = 'How Northwind’s lawyers handle your data';
const SUBJECT = 'March statement of account';
const HOSTILE_BODY = '<img src=x onerror="window.__xss=1"> Please see the statement';
const REPLY = 'Received, thank you: we are checking the balance against the invoices.';
const FILE_REQUEST = 'Your bank statements for 2025';
const ATTACHMENT = { name: 'Statement March 2026.txt', mimeType: 'text/plain', buffer: Buffer.from('Northwind statement, March 2026. Balance 41,250.00\n', 'utf8') };
const BANK_STATEMENT = { name: 'Bank statement 2025.txt', mimeType: 'text/plain', buffer: Buffer.from('Bank of Northwind — statement for 2025.\n', 'utf8') };
const EXPORT_PASSPHRASE = 'carol keeps this one on paper 31';
const SHARED = Buffer.from('Settlement draft for Northwind v. Contoso.\n\u00e9\u00e8 \u2014 bytes beyond ASCII survive.\n', 'utf8');

/** The page's visible text holds no id (names and matter numbers only). */
async function expectNoIds(page: Page): Promise<void> {
  expect(await page.evaluate(() => document.body.innerText)).not.toMatch(UUID);
}

/** At 1280 px and at 390 px the page never scrolls sideways (tables scroll inside their box). */
async function checkWidths(page: Page, name: string): Promise<void> {
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 800 });
    if (SCREENSHOTS) await page.screenshot({ path: join(SCREENSHOTS, `portal-${name}-${width}.png`), fullPage: true });
    expect((await measureWidth(page)).overflowing, `${name} at ${width} px`).toEqual([]);
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

/** Every check a portal page gets: no ids, no sideways scrolling at either width, no serious axe finding. */
async function inspect(page: Page, name: string): Promise<void> {
  await expectNoIds(page);
  await checkAccessibility(page);
  await checkWidths(page, name);
}

/** Opens a page from the main navigation (pages have their own links too). */
async function navigate(page: Page, name: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true }).click();
}

describe('the client portal in the browser, with mail through a real SMTP server', () => {
  let smtp: MailCatcher | undefined;
  const received = (): CaughtMail[] => smtp?.mails ?? [];
  let server: RunningServer;
  let aliceBrowser: LaunchedBrowser;
  let carolBrowser: LaunchedBrowser;
  let alice: TrackedPage;
  let carol: TrackedPage;
  let aliceAccount: StaffAccount;
  let clientId = '';
  let matterId = '';
  let aliceToken = '';
  let officerToken = '';
  let configDir = '';
  let welcomeLink = '';

  /** The `count`-th mail to `email` whose text matches `pattern`, once it has arrived (the whole mail and the first group). */
  async function mailFor(email: string, pattern: RegExp, count = 1): Promise<{ mail: CaughtMail; hit: string }> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const found = received()
        .filter((m) => m.to.includes(email))
        .map((mail) => ({ mail, hit: pattern.exec(mail.text)?.[1] }))
        .filter((f): f is { mail: CaughtMail; hit: string } => f.hit !== undefined);
      if (found.length >= count) return found[count - 1]!;
      if (Date.now() > deadline) throw new Error(`no mail to ${email} matching ${pattern}`);
      await new Promise((done) => setTimeout(done, 100));
    }
  }

  /** A CLI-minted API token for a person (as an operator would make one). */
  function tokenFor(email: string): string {
    const minted = runCli(server, ['token', 'create', '--email', email, '--expires-in', '1h', '--json']);
    if (minted.status !== 0) throw new Error(`confidant token create failed: ${minted.stderr}`);
    return (JSON.parse(minted.stdout) as { token: string }).token;
  }

  async function apiCall(token: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
    const response = await fetch(`${server.url}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }

  beforeAll(async () => {
    if (SCREENSHOTS) mkdirSync(SCREENSHOTS, { recursive: true });
    smtp = await startMailCatcher();
    // Checkpoints are signed when the spec says so (the scheduler's interval is out of its way).
    configDir = mkdtempSync(join(tmpdir(), 'confidant-portal-config-'));
    const configFile = join(configDir, 'confidant.json');
    writeFileSync(configFile, JSON.stringify({ audit: { checkpointIntervalSeconds: 86_400 } }));
    server = await startServer({ env: { SMTP_URL: smtp.url, MAIL_FROM: 'confidant@firm.example', CONFIDANT_CONFIG_FILE: configFile } });
    // Two browsers with their own profiles: the attorney and the client's contact.
    aliceBrowser = await launchBrowser({ baseURL: server.url });
    carolBrowser = await launchBrowser({ baseURL: viaLocalhost(server.url) });
    alice = await aliceBrowser.newPage();
    carol = await carolBrowser.newPage();
  });
  afterAll(async () => {
    await aliceBrowser?.close();
    await carolBrowser?.close();
    await server?.stop();
    await smtp?.close();
    if (configDir) rmSync(configDir, { recursive: true, force: true });
  });

  it('sets up the firm: an attorney with a client and a matter, and a published data notice', async () => {
    ({ clientId, matterId, attorney: aliceAccount } = await signInWithClientAndMatter(alice.page, server, { attorney: { name: 'Alice Attorney' }, clientName: 'Northwind Traders', matterTitle: 'Northwind v. Contoso' }));
    const officer = createStaffWithCli(server, { email: 'cora@firm.example', name: 'Cora Compliance', role: 'compliance_officer', password: 'cora passphrase that is long enough 71' });
    officerToken = tokenFor(officer.email);
    const draft = await apiCall(officerToken, 'POST', '/notices', {
      title: NOTICE_TITLE,
      content: {
        collected: 'Your identity and contact details, and the documents of your matters.',
        purposes: 'To represent you in the matters you instruct us on.',
        recipients: 'The lawyers on your matters; others only with your consent or a legal duty.',
        protection: 'Encrypted under keys only this firm holds; every access is logged.',
        retention: 'Six years after your matter closes, unless the law requires longer.',
        rights: 'Access, correction, withdrawal of consent at any time, complaint to the regulator.',
      },
    });
    expect(draft.status, JSON.stringify(draft.json)).toBe(201);
    const published = await apiCall(officerToken, 'POST', `/notices/${String(draft.json.id)}/publish`);
    expect(published.status, JSON.stringify(published.json)).toBe(200);
    aliceToken = tokenFor(aliceAccount.email);
  });

  it('lets the attorney invite a contact on the Portal tab, then the journey’s contact with consents to ask', async () => {
    const { page } = alice;
    await page.goto(`/clients/${clientId}`);
    await page.getByRole('navigation', { name: 'Client sections' }).getByRole('link', { name: 'Portal', exact: true }).click();
    await page.getByRole('heading', { name: 'Client portal of Northwind Traders' }).waitFor();
    await page.getByText('No one of this client has been invited to the portal yet.').waitFor();
    await page.getByRole('button', { name: 'Invite a contact' }).click();
    const form = page.getByRole('form', { name: 'Invite a contact' });
    // Nothing filled in: said next to the fields, nothing sent.
    await form.getByRole('button', { name: 'Send the invitation' }).click();
    await form.getByText('Give the contact’s name.').waitFor();
    await form.getByText('Give the e-mail address the invitation goes to.').waitFor();
    await form.getByLabel(/^Name/).fill('Ben Backup');
    await form.getByLabel(/^E-mail/).fill('ben@northwind.example');
    expect(await form.getByLabel('All matters').isChecked()).toBe(true);
    await inspect(page, 'staff-invite-form');
    await form.getByRole('button', { name: 'Send the invitation' }).click();
    await page.getByRole('status').filter({ hasText: 'Ben Backup was invited. The invitation was e-mailed to them.' }).waitFor();
    const ben = page.getByRole('row', { name: /Ben Backup/ });
    await ben.getByText('Invited, not signed in yet').waitFor();
    await ben.getByText('All matters').waitFor();
    await ben.getByText('Alice Attorney').waitFor();
    await mailFor('ben@northwind.example', /(https?:\/\/\S+\/portal\/welcome#[A-Za-z0-9_-]+)/);
    // Narrowed to one matter: chosen with the matter picker, shown by number.
    await ben.getByRole('button', { name: 'Change the matters Ben Backup sees' }).click();
    const matters = page.getByRole('form', { name: 'Matters Ben Backup sees' });
    await matters.getByLabel('Only some matters').check();
    await matters.getByRole('combobox', { name: /Add a matter/ }).fill('contoso');
    await matters.locator('[role=listbox]').getByRole('option', { name: /Northwind v\. Contoso/ }).first().click();
    await matters.getByRole('button', { name: 'Save matters' }).click();
    await matters.waitFor({ state: 'detached' });
    await ben.getByText(/Northwind v\. Contoso/).waitFor();
    expect(await ben.getByText('All matters').count()).toBe(0);

    // The staff form does not ask for consents: the journey's contact is invited through the API.
    const invited = await apiCall(aliceToken, 'POST', `/clients/${clientId}/portal-invitations`, {
      email: CAROL.email,
      name: CAROL.name,
      matterScope: 'all',
      consentRequests: [{ purposes: ['insurance_claim'], purposeText: 'Tell the insurer about the claim', dataCategories: ['documents'], recipientCategories: ['insurer'], channels: ['secure_link'], matterScope: 'all' }],
    });
    expect(invited.status, JSON.stringify(invited.json)).toBe(201);
    await page.reload();
    const row = page.getByRole('row', { name: /Carol Client/ });
    await row.getByText('Invited, not signed in yet').waitFor();
    await row.getByText('Request 1: waiting for their answer').waitFor();
    await inspect(page, 'staff-contacts');
  });

  it('lets the contact follow the mailed link, choose a password, enroll a passkey and sign in again with it', async () => {
    const { page } = carol;
    const { hit: link } = await mailFor(CAROL.email, /(https?:\/\/\S+\/portal\/welcome#[A-Za-z0-9_-]+)/);
    welcomeLink = new URL(link).pathname + new URL(link).hash;
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
    });
    await page.goto(welcomeLink);
    await page.getByRole('heading', { name: 'Welcome to your client portal' }).waitFor();
    // The token stays in the fragment: never sent to the server in a URL.
    expect(new URL(page.url()).search).toBe('');
    await inspect(page, 'welcome');
    await page.getByLabel(/^New password/).fill(CAROL.password);
    await page.getByRole('button', { name: 'Set password and continue' }).click();
    // Clients always need a second factor: first enrolment, then the portal.
    await page.waitForURL(/\/enroll/);
    await page.getByRole('heading', { name: 'Set up your second factor' }).waitFor();
    await inspect(page, 'enroll');
    await page.getByLabel('Name for this passkey').fill('Carol’s laptop');
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    const saved = page.getByRole('button', { name: 'I have saved them' });
    const landed = page.getByRole('heading', { name: 'Welcome, Carol Client' });
    if ((await Promise.race([saved.waitFor().then(() => 'codes' as const), landed.waitFor().then(() => 'portal' as const)])) === 'codes') await saved.click();
    await landed.waitFor();
    expect(new URL(page.url()).pathname).toBe('/portal');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/sign-in/);
    await page.getByLabel('Email').fill(CAROL.email);
    await page.getByLabel('Password').fill(CAROL.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/sign-in\/mfa/);
    await page.getByRole('button', { name: 'Use a passkey' }).click();
    await page.getByRole('heading', { name: 'Welcome, Carol Client' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/portal');
    // The shell shows a client only the portal.
    const nav = page.getByRole('navigation', { name: 'Main' });
    expect(await nav.getByRole('link').allInnerTexts()).toEqual(['Home', 'Messages', 'Files', 'Who handled my data', 'Consents', 'Disclosures']);
    // Her account lists the passkey, just used.
    await page.getByRole('link', { name: 'Account' }).click();
    await page.getByRole('heading', { name: 'Your account' }).waitFor();
    await page.getByText(/Passkey “Carol’s laptop” — added .*, last used (?!never)/).waitFor();
    await inspect(page, 'account');
    await navigate(page, 'Home');
  });

  it('shows the notice on Home and records the consent she gives; the attorney sees it, given in the portal', async () => {
    const { page } = carol;
    const onboarding = page.getByRole('region', { name: 'Before you start: how we handle your data' });
    await onboarding.getByRole('heading', { name: NOTICE_TITLE }).waitFor();
    await onboarding.getByText('Encrypted under keys only this firm holds; every access is logged.').waitFor();
    await onboarding.getByText('Tell the insurer about the claim').waitFor();
    await page.getByText('Your portal for Northwind Traders.').waitFor();
    await inspect(page, 'home-onboarding');
    await onboarding.getByRole('button', { name: 'I agree' }).click();
    await onboarding.waitFor({ state: 'detached' });
    await page.getByRole('heading', { name: 'Your matters' }).waitFor();
    await page.getByText(/Northwind v\. Contoso/).waitFor();
    // The notice stays on Home after onboarding, with how long her data is kept.
    const kept = page.getByRole('region', { name: 'How we handle your data, and how long we keep it' });
    await kept.getByText(/Read the notice in force/).click();
    await kept.getByText('How long it is kept').waitFor();
    // She sees whom the firm let into her portal: herself, and Ben, not signed in yet.
    const people = page.getByRole('region', { name: 'Who of Northwind Traders can use this portal' });
    await people.getByText(/Ben Backup .*not signed in yet/).waitFor();
    await people.getByText(CAROL.name).waitFor();
    await inspect(page, 'home');

    const { page: hers } = alice;
    await hers.goto(`/clients/${clientId}/consents`);
    const row = hers.getByRole('row', { name: /Tell the insurer about the claim/ });
    await row.getByText('Live', { exact: true }).waitFor();
    await row.getByText(/Recorded .* by Carol Client/).waitFor();
    // Given by a click in the portal: no signed form to link to.
    expect(await row.getByRole('link', { name: 'Signed form' }).count()).toBe(0);
    await row.getByText('Given by the client in the portal').waitFor();
    await expectNoIds(hers);
  });

  it('exchanges messages: her markup stays text, the attorney replies, she sees the receipt, and the mail holds no content', async () => {
    const { page } = carol;
    await navigate(page, 'Messages');
    await page.getByRole('heading', { name: 'Messages' }).waitFor();
    await page.getByText('No messages yet.', { exact: false }).waitFor();
    await inspect(page, 'messages-empty');
    await page.getByRole('button', { name: 'New message' }).click();
    const form = page.getByRole('form', { name: 'New message' });
    await form.getByLabel(/^Subject/).fill(SUBJECT);
    await form.getByLabel(/^Your message/).fill(HOSTILE_BODY);
    await form.locator('input[type=file]').setInputFiles(ATTACHMENT);
    await form.getByText(/^Uploaded \(/).waitFor();
    await form.getByRole('list', { name: 'Attached files' }).getByText(ATTACHMENT.name, { exact: false }).waitFor();
    await inspect(page, 'message-new');
    await form.getByRole('button', { name: 'Send', exact: true }).click();
    await page.getByRole('heading', { name: SUBJECT }).waitFor();
    await page.waitForURL(/\/portal\/messages\/[0-9a-f-]{36}$/);
    // Shown as the very text she typed: no element made of it, no script run.
    await page.getByText(HOSTILE_BODY, { exact: true }).waitFor();
    expect(await page.locator('.portal-message img').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    await page.getByRole('list', { name: 'Attachments' }).getByRole('link', { name: new RegExp(ATTACHMENT.name.replace('.', '\\.')) }).waitFor();
    await inspect(page, 'thread-sent');

    const { page: hers } = alice;
    await hers.goto(`/matters/${matterId}/messages`);
    await hers.getByRole('heading', { name: 'Messages with the client' }).waitFor();
    const thread = hers.getByRole('row', { name: new RegExp(SUBJECT) });
    await thread.getByText('Carol Client').waitFor();
    await thread.getByLabel('1 unread').waitFor();
    await inspect(hers, 'staff-messages');
    await thread.getByRole('button', { name: SUBJECT }).click();
    const opened = hers.getByRole('article', { name: SUBJECT });
    await opened.getByText(HOSTILE_BODY, { exact: true }).waitFor();
    expect(await opened.locator('img').count()).toBe(0);
    expect(await hers.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    await opened.getByRole('list', { name: 'Attachments' }).getByRole('link', { name: ATTACHMENT.name }).waitFor();
    await opened.getByRole('textbox', { name: /^Reply/ }).fill(REPLY);
    await opened.getByRole('button', { name: 'Send the reply' }).click();
    // In the thread (not merely still in the text box), and the box emptied for the next reply.
    await opened.getByRole('list', { name: 'Messages' }).getByRole('listitem').filter({ hasText: REPLY }).getByText('Alice Attorney').waitFor();
    expect(await opened.getByRole('textbox', { name: /^Reply/ }).inputValue()).toBe('');
    await inspect(hers, 'staff-thread');

    // Home says a message waits; the list marks the thread; the thread shows the reply and her receipt.
    await navigate(page, 'Home');
    await page.getByRole('link', { name: '1 unread message' }).click();
    await page.getByRole('heading', { name: 'Messages' }).waitFor();
    const listed = page.getByRole('listitem').filter({ hasText: SUBJECT });
    await listed.getByText('1 unread').waitFor();
    await inspect(page, 'messages');
    await listed.getByRole('link', { name: SUBJECT }).click();
    await page.locator('.portal-message').filter({ hasText: REPLY }).getByText('Alice Attorney').waitFor();
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Messages' }).getAttribute('aria-current')).toBe('page');
    await page.getByText(/^Read by Alice Attorney at /).waitFor();
    // The receipt sits on her own message.
    const mine = page.locator('.portal-message').filter({ hasText: HOSTILE_BODY });
    await mine.getByText(/^Read by Alice Attorney/).waitFor();
    await inspect(page, 'thread-replied');

    const { mail } = await mailFor(CAROL.email, /(new message)/);
    for (const secret of [REPLY, SUBJECT, 'Please see the statement', 'Northwind v. Contoso', ATTACHMENT.name]) expect(mail.text).not.toContain(secret);
    expect(mail.text).toContain('/portal/messages');
    // Her message told the team the same way: a link, no content.
    const { mail: theirs } = await mailFor(aliceAccount.email, /(new message)/);
    for (const secret of [SUBJECT, 'Please see the statement', 'Northwind', ATTACHMENT.name, CAROL.name]) expect(theirs.text).not.toContain(secret);
  });

  it('asks her for files: she uploads into the request on Files, and the attorney sees the upload', async () => {
    const { page: hers } = alice;
    const ask = hers.getByRole('form', { name: 'Ask the client for files' });
    await ask.getByLabel(/^What you need/).fill(FILE_REQUEST);
    await ask.getByRole('button', { name: 'Ask for files' }).click();
    const request = hers.getByRole('row', { name: new RegExp(FILE_REQUEST) });
    await request.getByText('Nothing yet').waitFor();
    await request.getByText('Open', { exact: true }).waitFor();

    const { page } = carol;
    await navigate(page, 'Files');
    await page.getByRole('heading', { name: 'Files', exact: true }).waitFor();
    const card = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: FILE_REQUEST }) });
    await card.getByText('Nothing uploaded yet.').waitFor();
    await card.getByText(/asked by Alice Attorney/).waitFor();
    await inspect(page, 'files-request');
    await card.getByLabel(`Upload files for “${FILE_REQUEST}”`).setInputFiles(BANK_STATEMENT);
    await card.getByRole('progressbar', { name: `Uploading ${BANK_STATEMENT.name}` }).waitFor();
    await card.getByText(/^Uploaded \(/).waitFor();
    await card.getByText(new RegExp(`${BANK_STATEMENT.name.replace('.', '\\.')} — by Carol Client`)).waitFor();
    await page.getByRole('region', { name: 'Your documents' }).getByRole('link', { name: BANK_STATEMENT.name }).waitFor();
    await inspect(page, 'files-uploaded');

    await hers.reload();
    const answered = hers.getByRole('row', { name: new RegExp(FILE_REQUEST) });
    await answered.getByRole('link', { name: BANK_STATEMENT.name }).waitFor();
    await answered.getByText(/Carol Client/).waitFor();
    await expectNoIds(hers);
  });

  it('shares a document from its versions row, and she downloads the very bytes from Files', async () => {
    const { page: hers } = alice;
    await hers.goto(`/matters/${matterId}`);
    await hers.locator('input[type=file]').setInputFiles({ name: 'Settlement draft.txt', mimeType: 'text/plain', buffer: SHARED });
    const row = hers.getByRole('row', { name: /Settlement draft\.txt/ });
    await row.waitFor();
    await row.getByRole('button', { name: 'v1' }).click();
    await hers.getByRole('list', { name: 'Versions of Settlement draft.txt' }).getByText('Version 1').waitFor();
    const shares = hers.getByRole('region', { name: 'Share Settlement draft.txt with the client' });
    await shares.getByText('Not shared with anyone in the client portal.').waitFor();
    // Only the contact who signed in can be chosen (Ben has not yet).
    const choice = shares.getByLabel('Share with');
    expect(await choice.locator('option').allInnerTexts()).toEqual([`${CAROL.name} (${CAROL.email})`]);
    await shares.getByRole('button', { name: 'Share with the client' }).click();
    await shares.getByText(/Carol Client — shared .* by Alice Attorney/).waitFor();
    await shares.getByRole('button', { name: 'End sharing with Carol Client' }).waitFor();
    await inspect(hers, 'staff-share');

    const { page } = carol;
    await page.reload();
    const documents = page.getByRole('region', { name: 'Your documents' });
    const item = documents.getByRole('listitem').filter({ hasText: 'Settlement draft.txt' });
    await item.getByText(/Shared with you/).waitFor();
    await inspect(page, 'files-shared');
    const [download] = await Promise.all([page.waitForEvent('download'), item.getByRole('link', { name: 'Settlement draft.txt' }).click()]);
    expect(download.suggestedFilename()).toBe('Settlement draft.txt');
    expect((await readFile(await download.path())).equals(SHARED)).toBe(true);
  });

  it('shows her who can open her data and who did, and proves an entry in the log', async () => {
    const { page } = carol;
    await navigate(page, 'Who handled my data');
    await page.getByRole('heading', { name: 'Who handled my data' }).waitFor();
    const people = page.getByRole('region', { name: 'Who can open your data today' });
    await people.getByText('Alice Attorney').waitFor();
    const activity = page.getByRole('region', { name: 'What was done' });
    const entries = activity.getByRole('listitem').filter({ hasText: 'Alice Attorney' });
    await entries.first().waitFor();
    await activity.getByText(/Alice Attorney shared a document with you “Settlement draft\.txt”/).waitFor();
    expect(await activity.getByRole('listitem').filter({ hasText: 'Carol Client' }).count()).toBe(0);
    await inspect(page, 'people');
    // The newest entry is not yet under a signed checkpoint: said so, not an error.
    const entry = entries.first();
    await entry.getByRole('button', { name: 'Check' }).click();
    await entry.getByRole('status').getByText(/newer than the firm’s last signed checkpoint/).waitFor();
    // The firm signs one (as its scheduler does every few minutes); now the browser proves it.
    const signed = await apiCall(officerToken, 'POST', '/audit/checkpoints');
    expect(signed.status, JSON.stringify(signed.json)).toBe(200);
    await entry.getByRole('button', { name: 'Check' }).click();
    await entry.getByRole('status').getByText('Verified in the log').waitFor();
    await checkWidths(page, 'people-verified');
  });

  it('lets her withdraw the consent, after a confirmation', async () => {
    const { page } = carol;
    await navigate(page, 'Consents');
    await page.getByRole('heading', { name: 'Consents', exact: true }).waitFor();
    const card = page.getByRole('listitem').filter({ hasText: 'Tell the insurer about the claim' });
    await card.getByText('Live', { exact: true }).waitFor();
    await card.getByText(/You agreed in the portal/).waitFor();
    await inspect(page, 'consents');
    let asked = '';
    page.once('dialog', (dialog) => {
      asked = dialog.message();
      void dialog.accept();
    });
    await card.getByRole('button', { name: 'Withdraw' }).click();
    await card.getByText('Withdrawn', { exact: true }).waitFor();
    await card.getByText(/withdrawn on /).waitFor();
    expect(asked).toContain('Withdraw this consent?');
    expect(await card.getByRole('button', { name: 'Withdraw' }).count()).toBe(0);
    await inspect(page, 'consents-withdrawn');

    await navigate(page, 'Disclosures');
    await page.getByRole('heading', { name: 'Disclosures' }).waitFor();
    await page.getByText('Nothing of your data was disclosed.').waitFor();
    await inspect(page, 'disclosures');
  });

  it('lets her ask for a copy of her data; the attorney approves with a fresh factor; age opens what she downloads', async () => {
    const { page } = carol;
    await navigate(page, 'Home');
    const form = page.getByRole('form', { name: 'Ask for a copy of your data' });
    await form.getByLabel(/^Passphrase/).fill(EXPORT_PASSPHRASE);
    await form.getByLabel('Repeat the passphrase').fill(EXPORT_PASSPHRASE);
    await form.getByRole('button', { name: 'Ask for a copy' }).click();
    await page.getByText('Your request was sent to your lawyer.').waitFor();
    const section = page.getByRole('region', { name: 'A copy of your data' });
    await section.getByText(/Waiting for your lawyer/).waitFor();
    await inspect(page, 'export-asked');

    const { page: hers } = alice;
    await hers.goto(`/clients/${clientId}/portal`);
    const requests = hers.getByRole('region', { name: 'Export requests' });
    await requests.getByText(/Carol Client/).waitFor();
    await requests.getByRole('button', { name: 'Approve and make the export' }).click();
    // A fresh second factor is asked for unless the sign-in was minutes ago.
    const prompt = hers.getByRole('dialog', { name: 'Confirm with your second factor' });
    const made = requests.getByText(/Made: the client can download it/);
    const first = await Promise.race([made.waitFor().then(() => 'made' as const), prompt.waitFor().then(() => 'prompt' as const)]);
    if (first === 'prompt') {
      await prompt.getByLabel('Authenticator code').fill(totpCode(aliceAccount.totpSecret));
      await prompt.getByRole('button', { name: 'Confirm' }).click();
    }
    await made.waitFor();
    await inspect(hers, 'staff-export');

    await page.reload();
    const link = section.getByRole('link', { name: /Download the encrypted copy/ });
    await link.waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const file = await readFile(await download.path());
    expect(file.subarray(0, 21).toString('latin1')).toBe('age-encryption.org/v1');
    const tar = (await ageChecker().decryptWithPassphrase(file, EXPORT_PASSPHRASE)).toString('latin1');
    // What the portal shows her (the shared draft, their thread), nothing of the firm's own.
    expect(tar).toContain('confidant-portal-export/v1');
    expect(tar).toContain('Settlement draft.txt');
    expect(tar).toContain(REPLY);
    await inspect(page, 'export-ready');
  });

  it('keeps each side out of the other’s pages', async () => {
    const { page } = carol;
    // Sent to the portal before the matter is even asked for.
    const asked: string[] = [];
    const track = (request: { url(): string }) => void (/\/api\/v1\/(matters|clients)\//.test(request.url()) && asked.push(request.url()));
    page.on('request', track);
    await page.goto(`/matters/${matterId}`);
    await page.waitForURL((url) => url.pathname === '/portal');
    await page.getByRole('heading', { name: 'Welcome, Carol Client' }).waitFor();
    expect(await page.getByRole('heading', { name: /Northwind v\. Contoso/ }).count()).toBe(0);
    expect(await page.getByRole('navigation', { name: 'Matter sections' }).count()).toBe(0);
    await page.goto(`/clients/${clientId}/portal`);
    await page.waitForURL((url) => url.pathname === '/portal');
    await page.getByRole('heading', { name: 'Welcome, Carol Client' }).waitFor();
    page.off('request', track);
    expect(asked).toEqual([]);
    // Signed out, the invitation link she used refuses a second use.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/sign-in/);
    await page.goto(welcomeLink);
    await page.getByLabel(/^New password/).fill('someone else chose this passphrase 44');
    await page.getByRole('button', { name: 'Set password and continue' }).click();
    await page.getByRole('alert').filter({ hasText: 'This invitation link no longer works' }).waitFor();
    await page.getByRole('link', { name: 'Sign in' }).waitFor();
    expect(await page.getByLabel(/^New password/).count()).toBe(0);
    await inspect(page, 'welcome-used');

    const { page: hers } = alice;
    await hers.goto('/portal');
    await hers.waitForURL((url) => url.pathname === '/');
    await hers.getByRole('heading', { name: 'Welcome to Confidant' }).waitFor();
    await hers.goto('/portal/messages');
    await hers.waitForURL((url) => url.pathname === '/');

    expect(carol.errors().filter((e) => !isExpectedAuthError(e))).toEqual([]);
    expect(alice.errors().filter((e) => !isExpectedAuthError(e))).toEqual([]);
  });
});

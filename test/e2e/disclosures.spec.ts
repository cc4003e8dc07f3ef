/// <reference lib="dom" />
/**
 * Disclosures in a real browser against the real built server, with mail through a real SMTP
 * peer: the compliance officer publishes a data-handling notice (confirming it becomes immutable);
 * the attorney uploads the client's signed form and records their consent; requests a disclosure,
 * sees the note the consent does not cover refused by name, and files it for the one document it
 * covers; executes it and gets the link once. The recipient, in a browser of their own with no
 * account, opens the link, proves their e-mail with the code the SMTP peer received, and downloads
 * the document — the very bytes uploaded. Once revoked, the link refuses. A legal-exception
 * request cannot be approved by its requester (said plainly) but is by the compliance officer.
 * The register and the privilege log download; no page shows a bare id or is wider than a phone.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Download, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkAccessibility,
  createStaffWithCli,
  isExpectedAuthError,
  launchBrowser,
  signInWithClientAndMatter,
  signInWithMfa,
  startServer,
  type LaunchedBrowser,
  type RunningServer,
  type StaffAccount,
  type TrackedPage,
  measureWidth,
  totpCode,
} from './support/index.js';
import { startMailCatcher, type CaughtMail, type MailCatcher } from '../../server/test-support/mail-catcher.js';
import { ageChecker } from '../../server/test-support/age-check.js';

const SCREENSHOTS = process.env.E2E_SCREENSHOT_DIR ?? null;
/** Console errors the spec causes on purpose: refusals it asks for (401 wrong code, 403 outside the consent or self-approval). */
const isExpectedRefusal = (message: string) => isExpectedAuthError(message) || /status of 403/.test(message);
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const STATEMENT = Buffer.from('Northwind statement of account, 2026 Q1.\nBalance due: 41,250.00\n\u00e9\u00e8 \u2014 bytes beyond ASCII survive.\n', 'utf8');

/** The page's visible text holds no id (names and matter numbers only). */
async function expectNoIds(page: Page): Promise<void> {
  expect(await page.evaluate(() => document.body.innerText)).not.toMatch(UUID);
}

/** At 1280 px and at 390 px the page never scrolls sideways (tables scroll inside their box). */
async function checkWidths(page: Page, name: string): Promise<void> {
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 800 });
    if (SCREENSHOTS) await page.screenshot({ path: join(SCREENSHOTS, `disclosures-${name}-${width}.png`), fullPage: true });
    expect((await measureWidth(page)).overflowing).toEqual([]);
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

/** Types into a picker and chooses the option whose text matches `name`. */
async function pick(page: Page, label: string | RegExp, typed: string, name: RegExp): Promise<void> {
  await page.getByRole('combobox', { name: label }).fill(typed);
  // The picker's own list (a page's <select> options have the option role too).
  await page.locator('[role=listbox]').getByRole('option', { name }).first().click();
}

/** Opens a page from the main navigation (pages have "Disclosures" back links too). */
async function navigate(page: Page, name: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true }).click();
}

/** Chooses the option of a select whose text contains `text` (labels carry matter numbers the spec does not know). */
async function selectContaining(page: Page, label: RegExp, text: string): Promise<void> {
  const select = page.getByLabel(label);
  const value = await select.locator('option', { hasText: text }).first().getAttribute('value');
  expect(value).toBeTruthy();
  await select.selectOption(value!);
}

async function downloaded(download: Download): Promise<Buffer> {
  const path = await download.path();
  return readFile(path);
}


describe('disclosures in the browser, with mail through a real SMTP server', () => {
  let smtp: MailCatcher | undefined;
  const received = (): CaughtMail[] => smtp?.mails ?? [];
  let server: RunningServer;
  let aliceBrowser: LaunchedBrowser;
  let coraBrowser: LaunchedBrowser;
  let recipientBrowser: LaunchedBrowser | undefined;
  let alice: TrackedPage;
  let cora: TrackedPage;
  let recipient: TrackedPage;
  let officer: StaffAccount;
  let matterId = '';
  let aliceAccount: StaffAccount;
  let disclosureUrl = '';
  let shareLink = '';

  /** The `count`-th mail to `email` whose text matches `pattern`, once it has arrived (the first group of the match). */
  async function mailFor(email: string, pattern: RegExp, count = 1): Promise<string> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const found = received().filter((m) => m.to.includes(email)).map((m) => pattern.exec(m.text)?.[1]).filter((hit): hit is string => hit !== undefined);
      if (found.length >= count) return found[count - 1]!;
      if (Date.now() > deadline) throw new Error(`no mail to ${email} matching ${pattern}`);
      await new Promise((done) => setTimeout(done, 100));
    }
  }

  beforeAll(async () => {
    smtp = await startMailCatcher();
    server = await startServer({ env: { SMTP_URL: smtp.url, MAIL_FROM: 'confidant@firm.example' } });
    // Two staff browsers with their own profiles: two people, two sessions.
    aliceBrowser = await launchBrowser({ baseURL: server.url });
    coraBrowser = await launchBrowser({ baseURL: server.url });
    alice = await aliceBrowser.newPage();
    cora = await coraBrowser.newPage();
  });
  afterAll(async () => {
    await aliceBrowser?.close();
    await coraBrowser?.close();
    await recipientBrowser?.close();
    await server?.stop();
    await smtp?.close();
  });

  it('lets the compliance officer write a notice and publish it, confirming it becomes immutable', async () => {
    ({ matterId, attorney: aliceAccount } = await signInWithClientAndMatter(alice.page, server, { attorney: { name: 'Alice Attorney' }, clientName: 'Northwind Traders', matterTitle: 'Northwind v. Contoso' }));
    officer = createStaffWithCli(server, { email: 'cora@firm.example', name: 'Cora Compliance', role: 'compliance_officer', password: 'cora passphrase that is long enough 71' });
    const { page } = cora;
    await page.goto('/sign-in');
    await signInWithMfa(page, officer);
    await navigate(page, 'Notices');
    await page.getByRole('heading', { name: 'Data-handling notices' }).waitFor();
    await page.getByText(/No notice yet\. Write the first version/).waitFor();
    await page.getByRole('link', { name: 'Write a new version' }).click();
    await page.getByRole('heading', { name: 'New notice version' }).waitFor();
    // Creating with empty sections says so next to each, and sends nothing.
    await page.getByRole('button', { name: 'Create draft' }).click();
    expect(await page.getByText('Write this section.').count()).toBe(6);
    await page.getByLabel('What is collected').fill('Your identity and contact details, and the documents of your matters.');
    await page.getByLabel('Why it is collected').fill('To represent you in the matters you instruct us on.');
    await page.getByLabel('Who sees it').fill('The lawyers on your matters; others only with your consent or a legal duty.');
    await page.getByLabel('How it is protected').fill('Encrypted under keys only this firm holds; every access is logged.');
    await page.getByLabel('How long it is kept').fill('Six years after your matter closes, unless the law requires longer.');
    await page.getByLabel('The client’s rights').fill('Access, correction, withdrawal of consent at any time, complaint to the regulator.');
    await page.getByRole('button', { name: 'Create draft' }).click();
    await page.getByRole('heading', { name: 'Notice version 1' }).waitFor();
    await page.getByText('Draft version 1').waitFor();
    await checkAccessibility(page);
    await checkWidths(page, 'notice-draft');

    await page.getByRole('button', { name: 'Publish…' }).click();
    const confirm = page.getByRole('group', { name: 'Publish version 1?' });
    await confirm.getByText(/can never be changed/).waitFor();
    await checkAccessibility(page);
    await confirm.getByRole('button', { name: 'Publish — it becomes immutable' }).click();
    await page.getByText('Published — frozen').waitFor();
    const sha = (await page.locator('code.consent-sha').innerText()).trim();
    expect(sha).toMatch(/^[0-9a-f]{64}$/);
    // Frozen: no editor any more.
    expect(await page.getByRole('button', { name: 'Save draft' }).count()).toBe(0);
    await page.getByRole('link', { name: 'All versions' }).click();
    const row = page.getByRole('row', { name: /Version 1/ });
    await row.getByText('Published', { exact: true }).waitFor();
    await row.getByText(sha.slice(0, 12)).waitFor();
    await row.getByText('by Cora Compliance').first().waitFor();
    await expectNoIds(page);
    await checkWidths(page, 'notices');
  });

  it('lets the attorney record the client’s consent, with the notice shown and the signed form', async () => {
    const { page } = alice;
    // The evidence, the item to disclose, a note the consent will not cover, and a court order.
    await page.goto(`/matters/${matterId}`);
    const input = page.locator('input[type=file]');
    await input.setInputFiles({ name: 'Signed consent form.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 signed consent form\n') });
    await page.getByRole('row', { name: /Signed consent form\.pdf/ }).waitFor();
    await input.setInputFiles({ name: 'Northwind statement.txt', mimeType: 'text/plain', buffer: STATEMENT });
    await page.getByRole('row', { name: /Northwind statement\.txt/ }).waitFor();
    await input.setInputFiles({ name: 'Court order 2026-17.txt', mimeType: 'text/plain', buffer: Buffer.from('ORDER: produce the statement of account.\n') });
    await page.getByRole('row', { name: /Court order 2026-17\.txt/ }).waitFor();
    await page.goto(`/matters/${matterId}/notes`);
    await page.getByRole('button', { name: 'New note' }).click();
    const note = page.getByRole('form', { name: 'New note' });
    await note.getByLabel('Title').fill('Strategy call');
    await note.getByLabel('Text', { exact: true }).fill('Settle below 40k if they move first.');
    await page.getByRole('button', { name: 'Save note' }).click();
    await page.getByText('Settle below 40k if they move first.').waitFor();

    await navigate(page, 'Consents');
    await page.getByRole('heading', { name: 'Consents', exact: true }).waitFor();
    await page.getByText('No live consent of your clients ends in the next 30 days.').waitFor();
    await pick(page, /^Client/, 'north', /Northwind Traders/);
    await page.getByRole('heading', { name: 'Consents — Northwind Traders' }).waitFor();
    await page.getByText('No consent recorded for this client.').waitFor();
    await page.getByRole('button', { name: 'Record a consent' }).click();
    // Nothing chosen: said next to the fields, nothing sent.
    await page.getByRole('button', { name: 'Record consent' }).click();
    await page.getByText('Choose at least one purpose.').waitFor();
    await page.getByText('Choose the signed form (upload it to one of the client’s matters first).').waitFor();

    const form = page.getByRole('form', { name: 'Record a consent' });
    await form.getByRole('group', { name: /^Purposes/ }).getByLabel('Litigation').check();
    await form.getByLabel('The purpose in the client’s words').fill('Share the statement of account with opposing counsel for the Contoso dispute.');
    await form.getByLabel('Recipient 1 name').fill('Rita Recipient');
    await form.getByLabel('Recipient 1 e-mail').fill('rita@opposing.example');
    await form.getByRole('group', { name: /^Channels/ }).getByLabel('Encrypted package (age)').check();
    await selectContaining(page, /^Notice shown to the client/, 'Version 1');
    await selectContaining(page, /^Signed consent form/, 'Signed consent form.pdf');
    await checkAccessibility(page);
    await checkWidths(page, 'consent-form');
    await form.getByRole('button', { name: 'Record consent' }).click();
    await page.getByRole('status').filter({ hasText: 'Consent recorded for litigation.' }).waitFor();
    const row = page.getByRole('row', { name: /Rita Recipient/ });
    await row.getByText('Live', { exact: true }).waitFor();
    await row.getByText('rita@opposing.example').waitFor();
    await row.getByText('All matters').waitFor();
    await row.getByText(/Notice version 1/).waitFor();
    await row.getByRole('link', { name: 'Signed form' }).waitFor();
    await row.getByText(/by Alice Attorney/).waitFor();
    await expectNoIds(page);
    await checkAccessibility(page);
    await checkWidths(page, 'consents');
  });

  it('refuses the note the consent does not cover by name, then files the disclosure of the document', async () => {
    const { page } = alice;
    await navigate(page, 'Disclosures');
    await page.getByRole('heading', { name: 'Disclosures' }).waitFor();
    await page.getByText(/No disclosure yet\./).waitFor();
    await checkWidths(page, 'register-empty');
    await page.getByRole('link', { name: 'Request a disclosure' }).click();
    await page.getByRole('heading', { name: 'Request a disclosure' }).waitFor();
    await pick(page, /^Matter/, 'contoso', /Northwind v\. Contoso/);
    const items = page.getByRole('list', { name: 'Documents and notes' });
    await items.getByText('Northwind statement.txt').waitFor();
    await items.getByRole('checkbox', { name: /Northwind statement\.txt/ }).check();
    await items.getByRole('checkbox', { name: /Strategy call/ }).check();
    await page.getByLabel('Recipient name').fill('Rita Recipient');
    await page.getByLabel('Recipient e-mail').fill('rita@opposing.example');
    await page.getByLabel('Why, in words').fill('Opposing counsel asked for the statement before the settlement meeting.');
    // The live consent is offered as the basis, described in words.
    expect(await page.getByLabel('Consent', { exact: true }).locator('option:checked').innerText()).toMatch(/Litigation — documents to Rita Recipient/);
    await page.getByRole('button', { name: 'Request disclosure' }).click();
    await page.getByRole('alert').filter({ hasText: 'Refused: the consent does not cover what is marked below' }).waitFor();
    // The refusal stands next to the note it names; the document is not marked.
    const refusedNote = items.getByRole('listitem').filter({ hasText: 'Strategy call' });
    await refusedNote.getByText('This note is outside the consent (data category notes not consented)').waitFor();
    expect(await items.getByRole('listitem').filter({ hasText: 'Northwind statement.txt' }).locator('.field-error').count()).toBe(0);
    await expectNoIds(page);
    await checkAccessibility(page);
    await checkWidths(page, 'request-refused');

    await items.getByRole('checkbox', { name: /Strategy call/ }).uncheck();
    await page.getByRole('button', { name: 'Request disclosure' }).click();
    await page.getByRole('heading', { name: 'Disclosure to Rita Recipient' }).waitFor();
    await page.getByText('Ready to execute').first().waitFor();
    await page.getByRole('link', { name: 'The client’s consents' }).waitFor();
    disclosureUrl = new URL(page.url()).pathname;
    await expectNoIds(page);
    await checkAccessibility(page);
    await checkWidths(page, 'disclosure-ready');
  });

  it('executes it and shows the link once, the one mailed to the recipient', async () => {
    const { page } = alice;
    await page.getByRole('button', { name: 'Execute and create the link' }).click();
    const once = page.getByRole('status').filter({ hasText: 'shown only now' });
    await once.waitFor();
    shareLink = (await page.getByTestId('share-link').innerText()).trim();
    expect(shareLink).toMatch(/\/share#[A-Za-z0-9_-]{40,}$/);
    await once.getByRole('button', { name: 'Copy' }).waitFor();
    await page.getByText('Executed', { exact: true }).first().waitFor();
    // The register's fingerprint of the released bytes is the SHA-256 of what was uploaded.
    await page.getByText(`SHA-256 ${createHash('sha256').update(STATEMENT).digest('hex').slice(0, 12)}`, { exact: false }).first().waitFor();
    const mailed = await mailFor('rita@opposing.example', /(https?:\/\/\S+\/share#[A-Za-z0-9_-]+)/);
    expect(new URL(mailed).hash).toBe(new URL(shareLink).hash);
    await checkAccessibility(page);
    await checkWidths(page, 'disclosure-executed');
    // Reloaded, the link is gone for good (only its hash is kept).
    await page.reload();
    await page.getByRole('heading', { name: 'Disclosure to Rita Recipient' }).waitFor();
    expect(await page.getByTestId('share-link').count()).toBe(0);
  });

  it('lets the recipient, with no account, prove their e-mail by the mailed code and download the very bytes', async () => {
    recipientBrowser = await launchBrowser({ baseURL: server.url });
    recipient = await recipientBrowser.newPage();
    const { page } = recipient;
    await page.goto(new URL(shareLink).pathname + new URL(shareLink).hash);
    await page.getByRole('heading', { name: 'Documents shared with you' }).waitFor();
    await page.getByText(/shares one item with you/).waitFor();
    await page.getByText('r***@opposing.example').waitFor();
    // A public page: no app navigation.
    expect(await page.getByRole('navigation', { name: 'Main' }).count()).toBe(0);
    await checkAccessibility(page);
    await checkWidths(page, 'share-open');
    await page.getByRole('button', { name: 'Send me a code' }).click();
    await page.getByRole('status').filter({ hasText: 'A code was sent to r***@opposing.example' }).waitFor();
    const code = await mailFor('rita@opposing.example', /one-time code is (\d{6})/);
    // A wrong code is refused next to the field.
    await page.getByLabel('6-digit code').fill(code === '000000' ? '111111' : '000000');
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByText('That code is not valid.', { exact: false }).waitFor();
    await page.getByLabel('6-digit code').fill(code);
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByRole('heading', { name: 'Your documents' }).waitFor();
    await page.getByText('Northwind statement.txt').waitFor();
    await checkAccessibility(page);
    await checkWidths(page, 'share-items');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download Northwind statement.txt' }).click()]);
    expect(download.suggestedFilename()).toBe('Northwind statement.txt');
    expect((await downloaded(download)).equals(STATEMENT)).toBe(true);
    expect(recipient.errors().filter((e) => !isExpectedAuthError(e))).toEqual([]);
  });

  it('ends the link once the attorney revokes the disclosure', async () => {
    const { page } = alice;
    await page.goto(disclosureUrl);
    await page.getByRole('heading', { name: 'Disclosure to Rita Recipient' }).waitFor();
    await page.getByText(/1 of 10 downloads used · the recipient proved their e-mail/).waitFor();
    await page.getByRole('button', { name: 'Revoke…' }).click();
    const confirm = page.getByRole('group', { name: 'Revoke this disclosure?' });
    await confirm.getByText(/stops working at once/).waitFor();
    await confirm.getByRole('button', { name: 'Revoke now' }).click();
    await page.getByRole('status').filter({ hasText: 'Revoked: the link no longer works.' }).waitFor();
    await page.getByText('Revoked', { exact: true }).first().waitFor();

    // Mid-session, the next download refuses; the link opened afresh refuses too.
    const { page: theirs } = recipient;
    await theirs.getByRole('button', { name: 'Download Northwind statement.txt' }).click();
    await theirs.getByRole('alert').filter({ hasText: 'This share has ended' }).waitFor();
    await theirs.goto('/');
    await theirs.goto(new URL(shareLink).pathname + new URL(shareLink).hash);
    const ended = theirs.getByRole('alert').filter({ hasText: 'This share has ended' });
    await ended.waitFor();
    expect(await ended.innerText()).toContain('revoked');
    expect(await theirs.getByRole('button', { name: 'Send me a code' }).count()).toBe(0);
    await checkAccessibility(theirs);
    await checkWidths(theirs, 'share-ended');
  });

  it('files a legal exception that its requester cannot approve, and the compliance officer does', async () => {
    const { page } = alice;
    await page.goto('/disclosures/new');
    await pick(page, /^Matter/, 'contoso', /Northwind v\. Contoso/);
    const items = page.getByRole('list', { name: 'Documents and notes' });
    await items.getByRole('checkbox', { name: /Northwind statement\.txt/ }).check();
    await page.getByLabel('Recipient name').fill('Clerk of the Court');
    await page.getByLabel('Recipient e-mail').fill('clerk@court.example');
    await page.getByLabel('Kind of recipient').selectOption('court');
    await page.getByLabel('Why, in words').fill('Production ordered by the court.');
    await page.getByLabel('A legal exception (needs a second person’s approval)').check();
    await page.getByLabel('Exception', { exact: true }).selectOption('court_order');
    // Missing reference and order: said next to the fields.
    await page.getByRole('button', { name: 'Request disclosure' }).click();
    await page.getByText('Give the order, statute or case reference.').waitFor();
    await page.getByLabel(/^Reference/).fill('Order 2026-17, High Court');
    await selectContaining(page, /^Supporting order or subpoena/, 'Court order 2026-17.txt');
    await checkWidths(page, 'request-exception');
    await page.getByRole('button', { name: 'Request disclosure' }).click();
    await page.getByRole('heading', { name: 'Disclosure to Clerk of the Court' }).waitFor();
    await page.getByText('Waiting for approval').first().waitFor();
    await page.getByText('Legal exception: Court order').waitFor();
    // The requester (here also the matter's lead) may not approve their own request: refused, plainly.
    await page.getByRole('button', { name: 'Approve disclosure' }).click();
    const refusal = page.getByRole('alert').filter({ hasText: 'You asked for this disclosure, so you cannot approve it yourself.' });
    await refusal.waitFor();
    await refusal.getByText('SEPARATION_OF_DUTIES').waitFor();
    await page.getByText('Waiting for approval').first().waitFor();
    await checkAccessibility(page);
    await checkWidths(page, 'self-approval-refused');

    const { page: hers } = cora;
    await navigate(hers, 'Disclosures');
    const waiting = hers.getByRole('status').filter({ hasText: 'One disclosure waits for approval' });
    await waiting.waitFor();
    await waiting.getByText('asked by Alice Attorney', { exact: false }).waitFor();
    await expectNoIds(hers);
    await checkAccessibility(hers);
    await checkWidths(hers, 'register-compliance');
    await waiting.getByRole('link', { name: /Clerk of the Court/ }).click();
    await hers.getByRole('heading', { name: 'Disclosure to Clerk of the Court' }).waitFor();
    await hers.getByText('Reference: Order 2026-17, High Court').waitFor();
    await hers.getByRole('button', { name: 'Approve disclosure' }).click();
    await hers.getByRole('status').filter({ hasText: 'Approved: it can now be executed.' }).waitFor();
    await hers.getByText('Ready to execute').first().waitFor();
    await hers.getByText(/by Cora Compliance/).first().waitFor();
  });

  it('delivers an encrypted package instead of a link: executed, then made with a passphrase that age opens', async () => {
    const { page } = alice;
    await navigate(page, 'Disclosures');
    await page.getByRole('link', { name: 'Request a disclosure' }).click();
    await page.getByRole('heading', { name: 'Request a disclosure' }).waitFor();
    await pick(page, /^Matter/, 'contoso', /Northwind v\. Contoso/);
    const items = page.getByRole('list', { name: 'Documents and notes' });
    await items.getByRole('checkbox', { name: /Northwind statement\.txt/ }).check();
    await page.getByLabel('Recipient name').fill('Rita Recipient');
    await page.getByLabel('Recipient e-mail').fill('rita@opposing.example');
    await page.getByLabel('Why, in words').fill('Rita cannot open links from outside her firm.');
    await page.getByLabel('Channel').selectOption({ label: 'Encrypted package (age)' });
    await page.getByRole('button', { name: 'Request disclosure' }).click();
    await page.getByRole('heading', { name: 'Disclosure to Rita Recipient' }).waitFor();
    await page.getByRole('button', { name: 'Execute (record the release)' }).click();
    await page.getByRole('status').filter({ hasText: 'now make the encrypted package' }).waitFor();
    const panel = page.getByRole('form', { name: 'Make the encrypted package' });
    // Said next to the field before anything is sent.
    await panel.getByLabel(/^Passphrase/).fill('too short');
    await panel.getByRole('button', { name: 'Download the package' }).click();
    await panel.getByText('Use at least 12 characters.').waitFor();
    const passphrase = 'told to Rita by phone 2026';
    await panel.getByLabel(/^Passphrase/).fill(passphrase);
    await panel.getByLabel('Repeat the passphrase').fill(passphrase);
    await checkAccessibility(page);
    await checkWidths(page, 'package');
    const downloading = page.waitForEvent('download');
    await panel.getByRole('button', { name: 'Download the package' }).click();
    // A fresh second factor is asked for unless the sign-in was minutes ago.
    const prompt = page.getByRole('dialog', { name: 'Confirm with your second factor' });
    const first = await Promise.race([downloading.then(() => 'download' as const), prompt.waitFor().then(() => 'prompt' as const)]);
    if (first === 'prompt') {
      await prompt.getByLabel('Authenticator code').fill(totpCode(aliceAccount.totpSecret));
      await prompt.getByRole('button', { name: 'Confirm' }).click();
    }
    const pack = await downloaded(await downloading);
    await page.getByRole('status').filter({ hasText: 'Package downloaded.' }).waitFor();
    expect(pack.subarray(0, 21).toString('latin1')).toBe('age-encryption.org/v1');
    const tar = await ageChecker().decryptWithPassphrase(pack, passphrase);
    // The statement's bytes are in the tar, whole (a tar keeps a file's bytes contiguous).
    expect(tar.includes(STATEMENT)).toBe(true);
    expect(tar.toString('latin1')).toContain('confidant-disclosure-package/v1');
    await expectNoIds(page);
  });

  it('downloads the register as CSV (filtered) and a matter’s privilege log', async () => {
    const { page } = cora;
    await navigate(page, 'Disclosures');
    await page.getByRole('heading', { name: 'Register' }).waitFor();
    await page.getByRole('row', { name: /Rita Recipient/ }).first().waitFor();
    await page.getByLabel('Status').selectOption('revoked');
    await page.getByText('Download the register (CSV), as filtered').waitFor();
    // Only the revoked one (the package to Rita was executed, not revoked).
    await expect.poll(() => page.getByRole('row', { name: /Rita Recipient/ }).count()).toBe(1);
    expect(await page.getByRole('row', { name: /Clerk of the Court/ }).count()).toBe(0);
    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByText('Download the register (CSV), as filtered').click()]);
    const text = (await downloaded(csv)).toString('utf8');
    expect(text.split('\r\n')[0]).toMatch(/^disclosure_id,status,/);
    expect(text).toContain('rita@opposing.example');
    expect(text).not.toContain('clerk@court.example');
    // By basis, and by a named recipient (narrowed on the page: an address never goes into a URL).
    await page.getByLabel('Status').selectOption('');
    await page.getByLabel('Basis').selectOption('exception');
    await page.getByRole('row', { name: /Clerk of the Court/ }).waitFor();
    await expect.poll(() => page.getByRole('row', { name: /Rita Recipient/ }).count()).toBe(0);
    await page.getByLabel('Basis').selectOption('');
    await page.getByLabel('Recipient', { exact: true }).selectOption({ label: 'Rita Recipient <rita@opposing.example>' });
    await expect.poll(() => page.getByRole('row', { name: /Rita Recipient/ }).count()).toBe(2);
    expect(await page.getByRole('row', { name: /Clerk of the Court/ }).count()).toBe(0);
    await checkWidths(page, 'register-filters');

    const { page: hers } = alice;
    await navigate(hers, 'Disclosures');
    await pick(hers, /^Matter for the privilege log/, 'contoso', /Northwind v\. Contoso/);
    const [log] = await Promise.all([hers.waitForEvent('download'), hers.getByRole('link', { name: 'Download the privilege log (PDF)' }).click()]);
    expect((await downloaded(log)).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(alice.errors().filter((e) => !isExpectedRefusal(e))).toEqual([]);
    expect(cora.errors().filter((e) => !isExpectedRefusal(e))).toEqual([]);
  });
});

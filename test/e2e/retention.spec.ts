/// <reference lib="dom" />
/**
 * Retention and legal holds in a real browser against the real built server, with mail through a
 * real SMTP peer, from two sides: the compliance officer records a legal minimum and the firm's
 * schedules (a period below the minimum is refused next to the period field); the lead attorney
 * of a closed matter places a hold on it naming herself as custodian, follows the mailed link to
 * her notices and acknowledges it; the matter's page shows the hold; the preview lists the closed
 * matter as held; the compliance officer releases the hold with a reason, runs retention, approves
 * the queued matter after reading what it covers, runs again and gets the certificate of
 * destruction, which the CLI verifies offline; the attorney ends the client's engagement and
 * downloads the letter. Every page is checked with axe, shows no id, fits 1280 and 390 px, and
 * is photographed at both widths when E2E_SCREENSHOT_DIR is set.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
  signInWithMfa,
  type LaunchedBrowser,
  type RunningServer,
  type StaffAccount,
  type TrackedPage,
  startServer,
} from './support/index.js';
import { startMailCatcher, type CaughtMail, type MailCatcher } from '../../server/test-support/mail-catcher.js';

const SCREENSHOTS = process.env.E2E_SCREENSHOT_DIR ?? null;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const CLIENT = 'Northwind Traders';
const MATTER = 'Northwind lease renewal';
const HOLD = 'Contoso lease dispute';
const HOLD_REASON = 'Contoso says the renewal was signed under a misrepresentation. Keep every draft, note and e-mail about the lease.';
const RELEASE_REASON = 'Contoso withdrew its claim on 3 March; the time to appeal is over.';
// Answers the pages expect on the way (a 404 while an engagement goes on, a 401 while signed out).
const expectedError = (message: string) => isExpectedAuthError(message) || /status of 404/.test(message);

/** The page's visible text holds no id (names and numbers only). */
async function expectNoIds(page: Page): Promise<void> {
  expect(await page.evaluate(() => document.body.innerText)).not.toMatch(UUID);
}

/** At 1280 px and at 390 px the page never scrolls sideways (tables scroll inside their box). */
async function checkWidths(page: Page, name: string): Promise<void> {
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 800 });
    if (SCREENSHOTS)
      await page.screenshot({
        path: join(SCREENSHOTS, `retention-${name}-${width}.png`),
        fullPage: true,
      });
    expect((await measureWidth(page)).overflowing, `${name} at ${width} px`).toEqual([]);
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

/** Every check a page gets: no ids, no serious axe finding, no sideways scrolling at either width. */
async function inspect(page: Page, name: string): Promise<void> {
  await expectNoIds(page);
  await checkAccessibility(page);
  await checkWidths(page, name);
}

/** Opens a page from the main navigation. */
async function navigate(page: Page, name: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true }).click();
}

/** Chooses `option` in a picker after typing `query`. */
async function pick(page: Page, label: RegExp, query: string, option: RegExp): Promise<void> {
  await page.getByRole('combobox', { name: label }).fill(query);
  await page.locator('[role=listbox]').getByRole('option', { name: option }).first().click();
}

describe('retention and legal holds in the browser', () => {
  let smtp: MailCatcher | undefined;
  let server: RunningServer;
  let aliceBrowser: LaunchedBrowser;
  let coraBrowser: LaunchedBrowser;
  let alice: TrackedPage;
  let cora: TrackedPage;
  let aliceAccount: StaffAccount;
  let matterId = '';
  let clientId = '';
  let matterLabel = '';
  let holdPath = '';
  let workDir = '';

  async function mailFor(email: string, pattern: RegExp): Promise<{ mail: CaughtMail; hit: string }> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      for (const mail of smtp?.mails ?? []) {
        const hit = mail.to.includes(email) ? pattern.exec(mail.text)?.[1] : undefined;
        if (hit) return { mail, hit };
      }
      if (Date.now() > deadline) throw new Error(`no mail to ${email} matching ${pattern}`);
      await new Promise((done) => setTimeout(done, 100));
    }
  }

  beforeAll(async () => {
    if (SCREENSHOTS) mkdirSync(SCREENSHOTS, { recursive: true });
    workDir = mkdtempSync(join(tmpdir(), 'confidant-retention-e2e-'));
    smtp = await startMailCatcher();
    server = await startServer({
      env: { SMTP_URL: smtp.url, MAIL_FROM: 'confidant@firm.example' },
    });
    // Two browsers with their own profiles: the lead attorney and the compliance officer.
    aliceBrowser = await launchBrowser({ baseURL: server.url });
    coraBrowser = await launchBrowser({ baseURL: server.url });
    alice = await aliceBrowser.newPage();
    cora = await coraBrowser.newPage();
  });
  afterAll(async () => {
    await aliceBrowser?.close();
    await coraBrowser?.close();
    await server?.stop();
    await smtp?.close();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('sets up the firm: an attorney with a conveyancing matter, closed; a compliance officer', async () => {
    const { page } = alice;
    ({
      matterId,
      clientId,
      attorney: aliceAccount,
    } = await signInWithClientAndMatter(page, server, {
      clientName: CLIENT,
      matterTitle: MATTER,
    }));
    await page.getByText('Edit matter', { exact: true }).click();
    await page.getByRole('form', { name: 'Edit matter' }).getByLabel('Type (practice area)').fill('Conveyancing');
    await page.getByRole('button', { name: 'Save matter' }).click();
    await page.getByText('Saved.').waitFor();
    await page.getByText('Close matter', { exact: true }).first().click();
    await page.getByRole('form', { name: 'Close matter' }).getByLabel('Reason').fill('Lease renewed');
    await page.getByRole('button', { name: 'Close matter' }).click();
    await page.getByText('Closed because: Lease renewed').waitFor();
    matterLabel = ((await page.locator('h1').textContent()) ?? '').split(' — ')[0]!;
    expect(matterLabel).toMatch(/^\d{4}-\d{4}$/);
    const officer = createStaffWithCli(server, {
      email: 'cora@firm.example',
      name: 'Cora Compliance',
      role: 'compliance_officer',
      password: 'cora passphrase that is long enough 71',
    });
    await signInWithMfa(cora.page, officer);
  });

  it('lets the compliance officer record a legal minimum', async () => {
    const { page } = cora;
    await navigate(page, 'Retention');
    await page.getByRole('heading', { name: 'Retention schedules' }).waitFor();
    await page.getByText('No schedule is in force, so nothing becomes due.').waitFor();
    await inspect(page, 'schedules-empty');
    await page.getByRole('navigation', { name: 'Retention sections' }).getByRole('link', { name: 'Legal minimums' }).click();
    await page.getByRole('heading', { name: 'Legal minimums' }).waitFor();
    await page.getByText('No legal minimum is recorded.').waitFor();
    await page.getByText('Add a legal minimum', { exact: true }).click();
    const form = page.getByRole('form', { name: 'Add a legal minimum' });
    // Nothing filled in: said next to the fields, nothing sent.
    await form.getByRole('button', { name: 'Add the minimum' }).click();
    await form.getByText('Enter how long the law requires').waitFor();
    await form.getByText('Say where the rule comes from.').waitFor();
    await form.getByLabel('Practice area').fill('Employment');
    await form.getByRole('textbox', { name: /^Keep at least/ }).fill('6');
    await form.getByLabel('Source of the rule').fill('Limitation Act 1980 s.5');
    await inspect(page, 'minimum-form');
    await form.getByRole('button', { name: 'Add the minimum' }).click();
    await page.getByRole('status').filter({ hasText: 'Legal minimum of 6 years recorded' }).waitFor();
    const row = page.getByRole('row', { name: /Limitation Act 1980/ });
    await row.getByRole('cell', { name: 'Employment' }).waitFor();
    await row.getByRole('cell', { name: '6 years', exact: true }).waitFor();
    await inspect(page, 'minimums');
  });

  it('refuses a schedule shorter than the legal minimum next to its period, then adds the firm’s schedules', async () => {
    const { page } = cora;
    await page.getByRole('navigation', { name: 'Retention sections' }).getByRole('link', { name: 'Schedules' }).click();
    await page.getByRole('button', { name: 'New schedule' }).click();
    const form = page.getByRole('form', { name: 'New schedule' });
    await form.getByLabel(/^Name/).fill('Employment files');
    await form.getByLabel('Practice area').fill('Employment');
    await form.getByRole('textbox', { name: /^Keep for/ }).fill('1');
    await form.getByLabel('Then').selectOption('destroy');
    await form.getByRole('button', { name: 'Add the schedule' }).click();
    // The refusal sits with the period it is about, announced with it.
    const period = form.getByRole('textbox', { name: /^Keep for/ });
    await expect.poll(async () => period.getAttribute('aria-invalid')).toBe('true');
    const described = ((await period.getAttribute('aria-describedby')) ?? '').split(' ');
    const message = await page.locator(`[id="${described.at(-1)}"]`).textContent();
    expect(message).toMatch(/at least 2190 days \(6 years\)/);
    expect(await form.getByRole('alert').count()).toBe(0);
    await inspect(page, 'schedule-below-minimum');
    await period.fill('7');
    await form.getByRole('button', { name: 'Add the schedule' }).click();
    await page.getByRole('status').filter({ hasText: 'Schedule “Employment files” added.' }).waitFor();
    const employment = page.getByRole('row', { name: /Employment files/ });
    await employment.getByText('7 years after the matter closes').waitFor();
    await employment.getByText('Practice area: Employment · any jurisdiction').waitFor();
    // Conveyancing files go as soon as the matter closes (no minimum for them), after approval.
    await page.getByRole('button', { name: 'New schedule' }).click();
    await form.getByLabel(/^Name/).fill('Conveyancing files');
    await form.getByLabel('Practice area').fill('Conveyancing');
    await form.getByRole('textbox', { name: /^Keep for/ }).fill('0');
    await form.getByRole('combobox', { name: /^Keep for.*unit/ }).selectOption('days');
    await form.getByLabel('Then').selectOption('destroy');
    await form.getByRole('button', { name: 'Add the schedule' }).click();
    await page
      .getByRole('row', { name: /Conveyancing files/ })
      .getByText('As soon as the matter closes')
      .waitFor();
    await inspect(page, 'schedules');
  });

  it('lets the lead attorney place a matter hold naming herself as custodian, and acknowledge it from the mailed link', async () => {
    const { page } = alice;
    await navigate(page, 'Legal holds');
    await page.getByRole('heading', { name: 'Legal holds', level: 1 }).waitFor();
    await page.getByText('No legal hold is in force on a matter you can see.').waitFor();
    await inspect(page, 'holds-empty');
    await page.getByRole('link', { name: 'Place a hold' }).click();
    await page.getByRole('heading', { name: 'Place a legal hold' }).waitFor();
    const form = page.getByRole('form', { name: 'Place a legal hold' });
    await form.getByRole('button', { name: 'Place the hold' }).click();
    await form.getByText('Choose the client from the list.').waitFor();
    await form.getByText('Give the hold a name, such as the dispute it is for.').waitFor();
    await pick(page, /^Client/, 'North', new RegExp(CLIENT));
    await pick(page, /^Matter/, 'lease', new RegExp(MATTER));
    await form.getByLabel(/^Name/).fill(HOLD);
    await form.getByLabel(/^Reason, and what must be preserved/).fill(HOLD_REASON);
    await pick(page, /^Custodians to notify/, 'Alice', /Alice Attorney/);
    await form.getByRole('list', { name: 'Custodians to notify' }).getByText('Alice Attorney').waitFor();
    await inspect(page, 'place-hold');
    await form.getByRole('button', { name: 'Place the hold' }).click();
    await page.waitForURL(/\/holds\/[0-9a-f-]{36}$/);
    holdPath = new URL(page.url()).pathname;
    await page.getByRole('heading', { name: new RegExp(`Legal hold: ${HOLD}`) }).waitFor();
    await page.getByText(HOLD_REASON).waitFor();
    const notice = page.getByRole('row', { name: /Alice Attorney/ });
    await notice.getByRole('cell', { name: 'Not yet' }).waitFor();
    // The lawyer placed it; only the compliance officer releases it.
    expect(await page.getByRole('button', { name: 'Release the hold' }).count()).toBe(0);
    await inspect(page, 'hold');

    const { mail, hit: link } = await mailFor(aliceAccount.email, /(https?:\/\/\S+\/holds\/notices)\b/);
    expect(mail.text).not.toContain(HOLD);
    expect(mail.text).not.toContain(MATTER);
    await page.goto(new URL(link).pathname);
    await page.getByRole('heading', { name: 'Legal hold notices for you' }).waitFor();
    const card = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: HOLD }) });
    await card.getByText(HOLD_REASON).waitFor();
    await inspect(page, 'notices');
    await card.getByRole('button', { name: `Acknowledge: ${HOLD}` }).click();
    await card.getByText(/You acknowledged it on/).waitFor();
    await inspect(page, 'notices-acknowledged');
    await page.goto(holdPath);
    await page
      .getByRole('row', { name: /Alice Attorney/ })
      .getByRole('cell', { name: 'Not yet' })
      .waitFor({ state: 'detached' });
    await page.getByText('Acknowledged: 1 of 1.').waitFor();

    // The matter's page says it is held.
    await page.goto(`/matters/${matterId}`);
    const panel = page.getByRole('region', { name: 'Legal holds' });
    await panel.getByRole('link', { name: HOLD }).waitFor();
    await inspect(page, 'matter-held');
  });

  it('shows the compliance officer the closed matter as due but held in the preview', async () => {
    const { page } = cora;
    await page.getByRole('navigation', { name: 'Retention sections' }).getByRole('link', { name: 'Preview and run' }).click();
    await page.getByRole('heading', { name: 'Preview and run' }).waitFor();
    await page.getByText('Nothing runs from this preview.').waitFor();
    const row = page.getByRole('row', { name: new RegExp(matterLabel) });
    await row.getByText('On hold').waitFor();
    await row.getByText('Conveyancing files').waitFor();
    await row.getByText('The matter’s content').waitFor();
    await page.getByRole('status').filter({ hasText: '1 of them is on hold' }).waitFor();
    await inspect(page, 'preview-held');
  });

  it('lets the compliance officer release the hold with a reason', async () => {
    const { page } = cora;
    await navigate(page, 'Legal holds');
    await page.getByRole('link', { name: HOLD }).click();
    await page.getByRole('heading', { name: new RegExp(`Legal hold: ${HOLD}`) }).waitFor();
    const form = page.getByRole('form', { name: 'Release the hold' });
    await form.getByRole('button', { name: 'Release the hold' }).click();
    await form.getByText('Say why the hold ends.').waitFor();
    await inspect(page, 'hold-release');
    await form.getByLabel(/^Why the hold ends/).fill(RELEASE_REASON);
    await form.getByRole('button', { name: 'Release the hold' }).click();
    await page.getByText(RELEASE_REASON).waitFor();
    await page.getByRole('heading', { name: /Released/ }).waitFor();
    expect(await page.getByRole('form', { name: 'Release the hold' }).count()).toBe(0);
    await inspect(page, 'hold-released');
  });

  it('runs retention: the matter is queued, approved after review, destroyed and certified', async () => {
    const { page } = cora;
    await navigate(page, 'Retention');
    await page.getByRole('navigation', { name: 'Retention sections' }).getByRole('link', { name: 'Preview and run' }).click();
    const row = page.getByRole('row', { name: new RegExp(matterLabel) });
    await row.getByText('Not in the queue yet').waitFor();
    expect(await row.getByText('On hold').count()).toBe(0);
    await page.getByRole('button', { name: 'Run now' }).click();
    await page.getByRole('button', { name: 'Run retention now' }).click();
    await page.getByRole('status').filter({ hasText: '1 put into the queue for review' }).waitFor();
    await inspect(page, 'run');

    await page.getByRole('link', { name: 'Open the disposition queue' }).click();
    await page.getByRole('heading', { name: 'Disposition queue' }).waitFor();
    const card = page.getByRole('listitem').filter({
      has: page.getByRole('heading', {
        name: new RegExp(`The matter’s content — ${matterLabel}`),
      }),
    });
    await card.getByText('Waiting for review').first().waitFor();
    await card.getByText('No documents, notes or physical records').waitFor();
    await inspect(page, 'queue');
    await card.getByRole('button', { name: 'Review and approve' }).click();
    const approve = card.getByRole('form', { name: /^Approve/ });
    await approve.getByText(new RegExp(`The content of matter ${matterLabel}.* is destroyed`)).waitFor();
    await inspect(page, 'approve');
    await approve.getByRole('button', { name: 'Approve' }).click();
    await page.getByText('Nothing waits for review.').waitFor();
    await page.getByRole('button', { name: 'Approved', exact: true }).click();
    await card.getByText('1 of 1: Cora Compliance').waitFor();

    await page.getByRole('navigation', { name: 'Retention sections' }).getByRole('link', { name: 'Preview and run' }).click();
    await page.getByRole('button', { name: 'Run now' }).click();
    await page.getByRole('button', { name: 'Run retention now' }).click();
    await page.getByRole('status').filter({ hasText: '1 destroyed and certified' }).waitFor();
    await page.getByRole('navigation', { name: 'Retention sections' }).getByRole('link', { name: 'Disposition queue' }).click();
    await page.getByRole('button', { name: 'Done', exact: true }).click();
    await card.getByText('Done').first().waitFor();
    await inspect(page, 'queue-done');
    await card.getByRole('link', { name: 'Certificate of destruction' }).click();
    await page.getByRole('heading', { name: 'Certificates of destruction' }).waitFor();
    const certificate = page.getByRole('row', {
      name: new RegExp(matterLabel),
    });
    await certificate.getByText('A matter’s content').waitFor();
    await page.getByText('How to verify a certificate').click();
    await page.getByText(/confidant retention verify-certificate certificate\.json --key \S+/).waitFor();
    await inspect(page, 'certificates');

    // The JSON saved is the signed original: the CLI verifies it offline with the published key.
    const [download] = await Promise.all([page.waitForEvent('download'), certificate.getByRole('button', { name: /as JSON$/ }).click()]);
    const file = join(workDir, 'certificate.json');
    await download.saveAs(file);
    const key = /--key '([^']+)'/.exec((await page.getByText(/verify-certificate certificate\.json --key/).textContent()) ?? '')?.[1] ?? '';
    const verified = runCli(server, ['retention', 'verify-certificate', file, '--key', key]);
    expect(verified.status, verified.stdout + verified.stderr).toBe(0);
    expect(verified.stdout).toContain('The certificate is valid.');
    const [pdf] = await Promise.all([page.waitForEvent('download'), certificate.getByRole('button', { name: /as PDF$/ }).click()]);
    const pdfFile = join(workDir, 'certificate.pdf');
    await pdf.saveAs(pdfFile);
    expect(readFileSync(pdfFile).subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('lets the lead attorney end the engagement and download the letter', async () => {
    const { page } = alice;
    await page.goto(`/clients/${clientId}`);
    await page.getByRole('navigation', { name: 'Client sections' }).getByRole('link', { name: 'End of engagement' }).click();
    await page.getByRole('heading', { name: 'End of the engagement' }).waitFor();
    await page.getByText(`End the engagement with ${CLIENT}`).click();
    const form = page.getByRole('form', { name: 'End the engagement' });
    await form.getByLabel('Anonymise instead of destroying at the end of retention').check();
    await inspect(page, 'engagement-form');
    await form.getByRole('button', { name: 'End the engagement' }).click();
    await form.getByRole('button', { name: 'End the engagement' }).click();
    await page.getByText(/The engagement ended on/).waitFor();
    await page.getByText('recorded by Alice Attorney').waitFor();
    await page.getByRole('table', { name: 'What is scheduled' }).waitFor();
    await inspect(page, 'engagement-ended');
    const [letter] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download the end-of-engagement letter' }).click()]);
    const file = join(workDir, 'letter.pdf');
    await letter.saveAs(file);
    expect(readFileSync(file).subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('logged nothing unexpected in either browser', () => {
    expect(alice.errors().filter((e) => !expectedError(e))).toEqual([]);
    // The one refusal asked for: the schedule below the legal minimum (400).
    expect(cora.errors().filter((e) => !expectedError(e))).toEqual(['Failed to load resource: the server responded with a status of 400 (Bad Request)']);
  });
});

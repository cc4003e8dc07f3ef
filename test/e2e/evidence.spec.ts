/// <reference lib="dom" />
/**
 * The evidence pages in a real browser against the real built server: the firm administrator
 * and the compliance officer have both entries in the navigation; the officer opens Registers &
 * evidence and Record of processing (the record's empty state says what it is for), adds a
 * processing activity — a blank field is said next to it in plain words, the owner is picked by
 * name — sees it listed with its owner and changes it in place; downloads the record as CSV (its header line) and PDF (%PDF-); builds the evidence pack
 * through the second-factor prompt (the factor made 11 minutes old first) and the CLI verifies
 * the ZIP with the verifier key the page shows; retires the activity after a confirmation and
 * finds it behind "Show retired activities". An attorney has no entry and gets the not-found
 * page at both addresses. Every page is checked with axe, shows no id, fits 1280 and 390 px,
 * and is photographed at both widths when E2E_SCREENSHOT_DIR is set.
 */
import Database from 'better-sqlite3';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Download, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAccessibility, createStaffWithCli, launchBrowser, measureWidth, runCli, signInAsFirstAdministrator, signInWithMfa, startServer, totpCode, type LaunchedBrowser, type RunningServer, type StaffAccount, type TrackedPage } from './support/index.js';

const SCREENSHOTS = process.env.E2E_SCREENSHOT_DIR ?? null;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const ACTIVITY = 'Client matter files';
const RECORD = 'Record of processing activities (GDPR Art. 30)';

async function inspect(page: Page, name: string): Promise<void> {
  expect(await page.evaluate(() => document.body.innerText)).not.toMatch(UUID);
  await checkAccessibility(page);
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 800 });
    if (SCREENSHOTS) await page.screenshot({ path: join(SCREENSHOTS, `evidence-${name}-${width}.png`), fullPage: true });
    expect((await measureWidth(page)).overflowing, `${name} at ${width} px`).toEqual([]);
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

async function navigate(page: Page, name: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true }).click();
  await page.getByRole('heading', { name, level: 1 }).waitFor();
}

/** The field (label, hint, control, error) whose label starts with `label`. */
const field = (form: Locator, label: string) => form.locator('.field').filter({ has: form.page().locator('label', { hasText: new RegExp(`^${label}`) }) });

async function save(download: Download, dir: string, name: string): Promise<string> {
  const file = join(dir, name);
  await download.saveAs(file);
  return file;
}

/** Makes the session's second factor `ms` older, as if the person had been working a while. */
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

/** Waits for the next 30-second TOTP step after `step` (a code is good once). */
async function nextTotpStep(step: number): Promise<void> {
  while (Math.floor(Date.now() / 30_000) <= step) await new Promise((r) => setTimeout(r, 500));
}

describe('the evidence pages in the browser', () => {
  let server: RunningServer;
  let browser: LaunchedBrowser;
  let tab: TrackedPage;
  let officer: StaffAccount;
  let signedInStep = 0;
  let workDir: string;

  beforeAll(async () => {
    if (SCREENSHOTS) mkdirSync(SCREENSHOTS, { recursive: true });
    workDir = mkdtempSync(join(tmpdir(), 'confidant-e2e-evidence-'));
    server = await startServer();
    browser = await launchBrowser({ baseURL: server.url });
    tab = await browser.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('the compliance officer finds both pages in the navigation; the record is empty and says what it is for', async () => {
    const { page } = tab;
    await signInAsFirstAdministrator(page, server);
    // The firm administrator has both entries too (compliance.manage).
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Record of processing', exact: true }).waitFor();
    await nav.getByRole('link', { name: 'Registers & evidence', exact: true }).waitFor();
    officer = createStaffWithCli(server, { email: 'cora@firm.example', name: 'Cora Compliance', role: 'compliance_officer', password: 'cora passphrase that is long enough 71' });
    await signInWithMfa(page, officer);
    signedInStep = Math.floor(Date.now() / 30_000);
    await navigate(page, 'Registers & evidence');
    const record = page.getByRole('article', { name: RECORD });
    await record.getByText('No rows yet').waitFor();
    expect(await page.getByRole('article').count()).toBeGreaterThanOrEqual(7);
    await page.getByRole('heading', { name: 'Evidence pack for an auditor' }).waitFor();
    await page.getByText(/confidant compliance verify-evidence pack\.zip --key "[^"<]+\+[^"]+"/).waitFor();
    await inspect(page, 'registers-empty');
    await navigate(page, 'Record of processing');
    await page.getByText('No processing activity is recorded yet.').waitFor();
    expect(await page.getByRole('main').innerText()).toContain('Article 30 asks the firm to keep');
    await inspect(page, 'processing-empty');
  });

  it('adds an activity: a blank field is said next to it, the owner is picked by name; then changes it in place', async () => {
    const { page } = tab;
    await page.getByRole('button', { name: 'Add activity' }).click();
    const form = page.getByRole('form', { name: 'Add activity' });
    await form.getByLabel(/^Activity/).fill(ACTIVITY);
    await form.getByLabel(/^Role of the firm/).selectOption('controller');
    // Purposes left blank.
    await form.getByLabel(/^Legal basis/).fill('Art. 6(1)(b) contract with the client; Art. 6(1)(c) legal obligations (anti-money-laundering)');
    await form.getByLabel(/^Data subjects/).fill('Clients, their representatives, counterparties, witnesses');
    await form.getByLabel(/^Categories of personal data/).fill('Contact details, identity documents, case documents and correspondence');
    await form.getByLabel(/^Recipients/).fill('Courts, opposing counsel, the hosting provider (processor)');
    await form.getByLabel(/^Transfers outside the EEA/).fill('None');
    await form.getByLabel(/^Erasure time limits/).fill('Ten years after the matter closes');
    await form.getByLabel(/^Security measures/).fill('Encryption per client, role-based access, second factor for every staff member, audit log');
    await form.getByRole('button', { name: 'Add to the record' }).click();
    await field(form, 'Purposes').getByText('Say why the data is processed.').waitFor();
    await field(form, 'Owner').getByText('Choose the person who owns this activity.').waitFor();
    expect(await field(form, 'Legal basis').locator('.field-error').count()).toBe(0);
    await inspect(page, 'processing-form-errors');
    await form.getByLabel(/^Purposes/).fill('Advising and representing clients in their matters');
    await form.getByRole('combobox', { name: /^Owner/ }).fill('cora');
    await page.locator('[role=listbox]').getByRole('option', { name: /Cora Compliance/ }).first().click();
    await form.getByRole('button', { name: 'Add to the record' }).click();
    await page.getByRole('status').filter({ hasText: `“${ACTIVITY}” added to the record.` }).waitFor();
    const row = page.getByRole('row', { name: new RegExp(ACTIVITY) }).first();
    expect(await row.innerText()).toContain('Cora Compliance');
    expect(await row.innerText()).toContain('Controller');
    await page.getByRole('button', { name: `Show the entry “${ACTIVITY}”` }).click();
    await page.getByText('Ten years after the matter closes').waitFor();
    await inspect(page, 'processing-list');

    await page.getByRole('button', { name: `Edit “${ACTIVITY}”` }).click();
    const edit = page.getByRole('form', { name: `Edit “${ACTIVITY}”` });
    expect(await field(edit, 'Owner').getByTestId('picker-chosen').innerText()).toContain('Cora Compliance');
    await edit.getByLabel(/^Erasure time limits/).fill('Twelve years after the matter closes');
    await inspect(page, 'processing-edit');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('status').filter({ hasText: `“${ACTIVITY}” saved.` }).waitFor();
    await page.getByText('Twelve years after the matter closes').waitFor();
  });

  it('downloads the record as CSV and PDF', async () => {
    const { page } = tab;
    await navigate(page, 'Registers & evidence');
    const record = page.getByRole('article', { name: RECORD });
    await record.getByText('1 row now').waitFor();
    const [csv] = await Promise.all([page.waitForEvent('download'), record.getByRole('button', { name: 'Download CSV' }).click()]);
    const lines = readFileSync(await save(csv, workDir, 'record.csv'), 'utf8').split('\r\n');
    expect(lines[0]).toBe('name,role,purposes,legal_basis,data_subjects,data_categories,recipients,transfers,retention,security_measures,owner,retired_at');
    expect(lines[1]).toContain(ACTIVITY);
    expect(lines[1]).toContain('Cora Compliance');
    const [pdf] = await Promise.all([page.waitForEvent('download'), record.getByRole('button', { name: 'Download PDF' }).click()]);
    expect(readFileSync(await save(pdf, workDir, 'record.pdf')).subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('builds the evidence pack through the second-factor prompt, and the CLI verifies it with the key the page shows', async () => {
    const { page } = tab;
    ageSecondFactor(server, 11 * 60_000);
    await page.getByRole('button', { name: 'Build evidence pack' }).click();
    const prompt = page.getByRole('dialog', { name: 'Confirm with your second factor' });
    await prompt.waitFor();
    await inspect(page, 'pack-step-up');
    await nextTotpStep(signedInStep);
    const downloading = page.waitForEvent('download', { timeout: 60_000 });
    await prompt.getByLabel('Authenticator code').fill(totpCode(officer.totpSecret));
    await prompt.getByRole('button', { name: 'Confirm' }).click();
    const file = await save(await downloading, workDir, 'pack.zip');
    await page.getByRole('status').filter({ hasText: /Evidence pack downloaded: .+\.zip/ }).waitFor();
    expect(readFileSync(file).subarray(0, 2).toString('latin1')).toBe('PK');
    const key = ((await page.getByTestId('verifier-key').textContent()) ?? '').trim();
    expect(key).toMatch(/^\S+\+[0-9a-f]{8}\+\S+$/);
    expect(await page.getByText(/verify-evidence \S+\.zip --key/).textContent()).toContain(key);
    const verified = runCli(server, ['compliance', 'verify-evidence', file, '--key', key]);
    expect(verified.status, verified.stdout + verified.stderr).toBe(0);
    expect(verified.stdout).toContain('signature valid (by the key you gave)');
    await inspect(page, 'pack-built');
  });

  it('retires the activity after a confirmation; it stays behind "Show retired activities"', async () => {
    const { page } = tab;
    await navigate(page, 'Record of processing');
    await page.getByRole('button', { name: `Retire “${ACTIVITY}”` }).click();
    const confirm = page.getByRole('group', { name: `Retire “${ACTIVITY}”?` });
    await confirm.waitFor();
    await inspect(page, 'processing-retire');
    await confirm.getByRole('button', { name: 'Retire it' }).click();
    await page.getByRole('status').filter({ hasText: `“${ACTIVITY}” was retired.` }).waitFor();
    await page.getByText('No current activity: the one retired activity is hidden.', { exact: false }).waitFor();
    await page.getByLabel('Show retired activities').check();
    const row = page.getByRole('row', { name: new RegExp(ACTIVITY) }).first();
    await row.getByText(/^Retired /).waitFor();
    expect(await row.getByRole('button', { name: /^Edit/ }).count()).toBe(0);
    await inspect(page, 'processing-retired');
  });

  it('an attorney has no entry and gets the not-found page at both addresses', async () => {
    const { page } = tab;
    const attorney = createStaffWithCli(server, { email: 'alice@firm.example', name: 'Alice Attorney', role: 'attorney', password: 'attorney passphrase that is long 71' });
    await page.goto('/');
    await signInWithMfa(page, attorney);
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Compliance', exact: true }).waitFor();
    expect(await nav.getByRole('link', { name: 'Record of processing' }).count()).toBe(0);
    expect(await nav.getByRole('link', { name: 'Registers & evidence' }).count()).toBe(0);
    for (const path of ['/compliance/processing', '/compliance/registers']) {
      await page.goto(path);
      await page.getByRole('heading', { name: 'Page not found' }).waitFor();
      expect(await page.getByRole('main').innerText()).not.toContain('evidence pack');
    }
  });
});

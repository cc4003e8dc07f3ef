/// <reference lib="dom" />
/**
 * The incident pages in a real browser against the real built server, from three sides: a
 * paralegal reports an incident (a blank title is said next to the field in plain words), lands on
 * the report's page and finds it under "Your reports" — their report and its steps, none of the
 * response's details; the compliance officer opens it from the list, chooses GDPR (the Art. 33
 * clock shows 72 h from when the firm became aware, Art. 34 marked "without undue delay"), works
 * out the scope naming an attorney who uploaded and opened a document (counts shown; the matter by
 * number, never its title), disables that attorney's account after a confirmation and reverses
 * it, adds a corrective action, moves the incident step by step — closing is refused while the
 * action is open, the server's words shown — marks it done and closes it; the attorney, who did
 * not report it, gets the not-found page at its address. Every page is checked with axe, shows no
 * id, fits 1280 and 390 px, and is photographed at both widths when E2E_SCREENSHOT_DIR is set.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAccessibility, createStaffWithCli, launchBrowser, measureWidth, signInWithClientAndMatter, signInWithMfa, startServer, type LaunchedBrowser, type RunningServer, type StaffAccount, type TrackedPage } from './support/index.js';

const SCREENSHOTS = process.env.E2E_SCREENSHOT_DIR ?? null;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const TITLE = 'Laptop left on the train';
const MATTER_TITLE = 'Northwind v. Contoso';
const CLIENT_NAME = 'Northwind Traders';
const ACTION = 'Turn on disk encryption on every laptop';
const LATE = 'Phishing e-mail answered with a password';

async function inspect(page: Page, name: string): Promise<void> {
  expect(await page.evaluate(() => document.body.innerText)).not.toMatch(UUID);
  await checkAccessibility(page);
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 800 });
    if (SCREENSHOTS) await page.screenshot({ path: join(SCREENSHOTS, `incidents-${name}-${width}.png`), fullPage: true });
    expect((await measureWidth(page)).overflowing, `${name} at ${width} px`).toEqual([]);
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

async function pick(page: Page, scope: Locator, label: RegExp, query: string, option: RegExp): Promise<void> {
  await scope.getByRole('combobox', { name: label }).fill(query);
  await page.locator('[role=listbox]').getByRole('option', { name: option }).first().click();
}

/** The field (label, hint, control, error) whose label starts with `label`. */
const field = (form: Locator, label: string) => form.locator('.field').filter({ has: form.page().locator('label', { hasText: new RegExp(`^${label}`) }) });

describe('the incident pages in the browser', () => {
  let server: RunningServer;
  let browsers: LaunchedBrowser[] = [];
  let alice: TrackedPage;
  let pat: TrackedPage;
  let cora: TrackedPage;
  let attorney: StaffAccount;
  let incidentPath = '';
  let number = '';
  let aliceStep = 0;

  beforeAll(async () => {
    if (SCREENSHOTS) mkdirSync(SCREENSHOTS, { recursive: true });
    server = await startServer();
    browsers = await Promise.all([0, 1, 2].map(() => launchBrowser({ baseURL: server.url })));
    const [a, p, c] = browsers;
    [alice, pat, cora] = await Promise.all([a!.newPage(), p!.newPage(), c!.newPage()]);
    // The attorney opens a matter, uploads a document and opens it: what the scope will find.
    ({ attorney } = await signInWithClientAndMatter(alice.page, server, { clientName: CLIENT_NAME, matterTitle: MATTER_TITLE }));
    aliceStep = Math.floor(Date.now() / 30_000);
    await alice.page.locator('input[type=file]').setInputFiles({ name: 'Statement of claim.txt', mimeType: 'text/plain', buffer: Buffer.from('The statement of claim.\n') });
    await alice.page.getByRole('row', { name: /Statement of claim\.txt/ }).waitFor();
    await alice.page.getByRole('button', { name: 'Preview Statement of claim.txt' }).click();
    await alice.page.getByLabel('Text of Statement of claim.txt').waitFor();
    const paralegal = createStaffWithCli(server, { email: 'pat@firm.example', name: 'Pat Paralegal', role: 'paralegal', password: 'paralegal passphrase that is long 57' });
    const officer = createStaffWithCli(server, { email: 'cora@firm.example', name: 'Cora Compliance', role: 'compliance_officer', password: 'cora passphrase that is long enough 71' });
    await Promise.all([signInWithMfa(pat.page, paralegal), signInWithMfa(cora.page, officer)]);
  });
  afterAll(async () => {
    for (const b of browsers) await b.close();
    await server?.stop();
  });

  it('a paralegal reports an incident: a blank title is said next to the field; then the report page, and it is under their reports', async () => {
    const { page } = pat;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Incidents', exact: true }).click();
    await page.getByRole('heading', { name: 'Your reports', level: 1 }).waitFor();
    await page.getByText('You have not reported an incident.').waitFor();
    await inspect(page, 'reports-empty');
    await page.getByRole('link', { name: 'Report an incident' }).click();
    const form = page.getByRole('form', { name: 'Report an incident' });
    await form.getByLabel(/^Details/).fill('I left my work laptop on the 8:15 train this morning. It was locked. I reported it to the rail company.');
    await form.getByLabel(/^How serious/).selectOption('high');
    // "When did we become aware" defaults to now.
    expect(await form.getByLabel(/^When did we become aware/).inputValue()).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/);
    await form.getByRole('button', { name: 'Report the incident' }).click();
    await field(form, 'What happened').getByText('Say in a line what happened.').waitFor();
    expect(await field(form, 'Details').locator('.field-error').count()).toBe(0);
    await inspect(page, 'report-errors');
    await form.getByLabel(/^What happened/).fill(TITLE);
    await form.getByRole('button', { name: 'Report the incident' }).click();
    await page.waitForURL(/\/incidents\/[0-9a-f-]{36}$/);
    incidentPath = new URL(page.url()).pathname;
    await page.getByRole('status').filter({ hasText: /Your report is recorded as INC-\d{4}-0001/ }).waitFor();
    number = /INC-\d{4}-\d{4}/.exec(await page.getByRole('heading', { level: 1 }).innerText())?.[0] ?? '';
    expect(number).toMatch(/^INC-\d{4}-0001$/);
    await page.getByRole('heading', { name: 'Steps' }).waitFor();
    const main = await page.getByRole('main').innerText();
    expect(main).toContain('Reported');
    for (const hidden of ['Deadlines', 'Scope', 'Containment', 'Corrective actions', 'Timeline', 'Move to']) expect(main).not.toContain(hidden);
    await inspect(page, 'report-page');
    await page.getByRole('link', { name: '← Your reports' }).click();
    const row = page.getByRole('row', { name: new RegExp(TITLE) });
    await row.waitFor();
    expect(await row.innerText()).toContain(number);
    expect(await row.innerText()).toContain('Reported');
    await inspect(page, 'reports-list');
  });

  it('the compliance officer opens it from the list and chooses GDPR: the Art. 33 clock runs 72 h from awareness', async () => {
    const { page } = cora;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Incidents', exact: true }).click();
    await page.getByRole('heading', { name: 'Incidents', level: 1 }).waitFor();
    const row = page.getByRole('row', { name: new RegExp(TITLE) });
    expect(await row.innerText()).toContain('High');
    expect(await row.innerText()).toContain('None yet: no rules chosen');
    await inspect(page, 'list');
    await row.getByRole('link', { name: number }).click();
    await page.getByRole('heading', { name: 'Next step: Triaged' }).waitFor();
    await page.getByText('No deadline runs yet').waitFor();
    await page.getByLabel(/^GDPR/).check();
    await page.getByRole('button', { name: 'Save the rules' }).click();
    const art33 = page.getByRole('listitem', { name: 'Notify the supervisory authority (Art. 33)' });
    await art33.waitFor();
    expect(await art33.innerText()).toContain('72 h after the firm became aware');
    expect(await art33.innerText()).toMatch(/7[01] h( \d+ min)? left/);
    await art33.getByText('The rule').click();
    await art33.getByText(/GDPR Art\. 33\(1\)/).waitFor();
    const art34 = page.getByRole('listitem', { name: /Tell the data subjects/ });
    await art34.getByText(/^Without undue delay/).waitFor();
    await inspect(page, 'incident-gdpr');
  });

  it('an incident the firm knew of 80 hours ago is overdue under GDPR, in red on the list', async () => {
    const { page } = cora;
    const back = page.url();
    await page.goto('/incidents/new');
    const form = page.getByRole('form', { name: 'Report an incident' });
    await form.getByLabel(/^What happened/).fill(LATE);
    await form.getByLabel(/^Details/).fill('A phishing e-mail was answered with a password; found in the mail log today.');
    const eightyHoursAgo = await page.evaluate(() => {
      const d = new Date(Date.now() - 80 * 3_600_000);
      const pad = (n: number) => String(n).padStart(2, '0');
      return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
    });
    await form.getByLabel(/^When did we become aware/).fill(eightyHoursAgo);
    await form.getByRole('button', { name: 'Report the incident' }).click();
    await page.getByRole('heading', { name: 'Next step: Triaged' }).waitFor();
    await page.getByLabel(/^GDPR/).check();
    await page.getByRole('button', { name: 'Save the rules' }).click();
    const art33 = page.getByRole('listitem', { name: 'Notify the supervisory authority (Art. 33)' });
    await art33.getByText(/^Overdue$/i).waitFor();
    expect(await art33.innerText()).toMatch(/\b[78] h( \d+ min)? overdue/);
    await page.getByRole('link', { name: '← Incidents' }).click();
    const row = page.getByRole('row', { name: new RegExp(LATE) });
    const deadline = row.locator('.inc-clock-overdue');
    await deadline.waitFor();
    expect(await deadline.innerText()).toContain('overdue');
    expect(await deadline.locator('.inc-clock-state').evaluate((e) => getComputedStyle(e).backgroundColor)).toBe('rgb(180, 35, 24)');
    await inspect(page, 'list-overdue');
    await page.goto(back);
    await page.getByRole('heading', { name: 'Next step: Triaged' }).waitFor();
  });

  it('works out the scope naming the attorney: counts shown, the matter by number only, frozen when assessed', async () => {
    const { page } = cora;
    const form = page.getByRole('form', { name: 'Work out the scope' });
    await form.getByRole('button', { name: 'Work out the scope' }).click();
    await field(form, 'People involved').getByText('Name at least one person, or give an address range.').waitFor();
    await pick(page, form, /^People involved/, 'alice', /Alice Attorney/);
    await form.getByRole('list', { name: 'People named' }).getByText('Alice Attorney').waitFor();
    await form.getByRole('button', { name: 'Work out the scope' }).click();
    const scope = page.getByLabel('The scope', { exact: true });
    await scope.waitFor();
    const counts = scope.getByRole('list', { name: 'Counts' });
    expect((await counts.innerText()).replace(/\s+/g, ' ')).toMatch(/1 client 1 matter 1 document 0 privileged/);
    expect(await scope.innerText()).toContain('People: Alice Attorney.');
    expect(await scope.innerText()).toContain('Not frozen yet');
    // The officer is on no team: the matter by its number, the client's name withheld.
    expect(await page.getByRole('main').innerText()).not.toContain(MATTER_TITLE);
    expect(await page.getByRole('main').innerText()).not.toContain(CLIENT_NAME);
    await scope.getByText('(name withheld)').waitFor();
    await inspect(page, 'incident-scope');
  });

  it('disables the attorney’s account after a confirmation, and reverses it', async () => {
    const { page } = cora;
    const form = page.getByRole('form', { name: 'Contain an account' });
    await pick(page, form, /^Person/, 'alice', /Alice Attorney/);
    await form.getByRole('button', { name: 'Disable the account…' }).click();
    const confirm = form.getByRole('group', { name: 'Disable Alice Attorney’s account?' });
    await confirm.getByText(/signed out everywhere at once/).waitFor();
    await inspect(page, 'incident-contain-confirm');
    await confirm.getByRole('button', { name: 'Disable the account' }).click();
    await page.getByRole('status').filter({ hasText: 'Alice Attorney’s account is disabled.' }).waitFor();
    const list = page.getByRole('list', { name: 'Containments' });
    await list.getByText('Account disabled').waitFor();
    // The attorney's session ended with it.
    await alice.page.reload();
    await alice.page.waitForURL(/\/sign-in/);
    await list.getByRole('button', { name: 'Reverse: enable Alice Attorney’s account again' }).click();
    await page.getByRole('group', { name: 'Enable Alice Attorney’s account again?' }).getByRole('button', { name: 'Enable it again' }).click();
    await page.getByRole('status').filter({ hasText: 'Alice Attorney’s account is enabled again.' }).waitFor();
    await list.getByText(/reversed by Cora Compliance/).waitFor();
    expect(await list.getByRole('button', { name: /^Reverse/ }).count()).toBe(0);
  });

  it('drafts the letter to the regulator from its template, approves it and sends it; the status says sent', async () => {
    const { page } = cora;
    const form = page.getByRole('form', { name: 'Draft a letter' });
    await form.getByRole('button', { name: 'Draft the letter' }).click();
    await form.getByText('Say who the letter is addressed to.').waitFor();
    await form.getByLabel(/^Addressed to/).fill('The Information Commissioner');
    await form.getByLabel(/^E-mail address/).fill('casework@ico.example');
    await form.getByRole('button', { name: 'Draft the letter' }).click();
    const letters = page.getByRole('list', { name: 'Letters' });
    await letters.getByText(/Personal data breach notification/).waitFor();
    await letters.getByText(/Draft/).waitFor();
    await letters.getByRole('button', { name: 'Approve' }).click();
    await letters.getByText(/Approved, not sent/).waitFor();
    await letters.getByRole('button', { name: 'Send' }).click();
    await letters.getByText(/· Sent,/).waitFor();
    expect(await letters.getByRole('link', { name: 'Download PDF' }).count()).toBe(1);
    await inspect(page, 'incident-letters');
  });

  it('adds a corrective action, moves through the steps, is refused closing while the action is open, then closes', async () => {
    const { page } = cora;
    const form = page.getByRole('form', { name: 'Add a corrective action' });
    await form.getByRole('button', { name: 'Add the action' }).click();
    await field(form, 'What will be done').getByText('Say what will be done.').waitFor();
    await field(form, 'Who').getByText('Choose who will do it.').waitFor();
    await form.getByLabel(/^What will be done/).fill(ACTION);
    await pick(page, form, /^Who/, 'pat', /Pat Paralegal/);
    await form.getByRole('button', { name: 'Add the action' }).click();
    const actions = page.getByRole('list', { name: 'Corrective actions' });
    await actions.getByText(ACTION).waitFor();
    expect(await actions.innerText()).toContain('Pat Paralegal');

    const note = page.getByRole('form', { name: 'Add a note' });
    await note.getByLabel(/^Add a note/).fill('The rail company has no laptop in lost property yet.');
    await note.getByRole('button', { name: 'Add the note' }).click();
    await page.getByText('The rail company has no laptop in lost property yet.').waitFor();

    for (const [step, following] of [
      ['Triaged', 'Contained'],
      ['Contained', 'Assessed'],
      ['Assessed', 'Notified'],
      ['Notified', 'Remediated'],
      ['Remediated', 'Closed'],
    ] as const) {
      const advance = page.getByRole('form', { name: `Move to ${step}` });
      if (step === 'Assessed') await advance.getByLabel(/^Note/).fill('Scope reviewed: one matter, one document.');
      await advance.getByRole('button', { name: `Move to ${step}` }).click();
      await page.getByRole('heading', { name: `Next step: ${following}` }).waitFor();
      if (step === 'Assessed') await page.getByText(/^Frozen .+, when the incident was assessed\.$/).waitFor();
      if (step === 'Notified') expect(await page.getByRole('listitem', { name: 'Notify the supervisory authority (Art. 33)' }).innerText()).toContain('stopped (notified)');
    }
    expect(await page.getByRole('form', { name: 'Work out the scope' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Move to Closed' }).click();
    await page.getByRole('alert').filter({ hasText: 'Not moved: 1 corrective action is not done yet.' }).waitFor();
    await inspect(page, 'incident-close-refused');
    await actions.getByRole('button', { name: `Mark done: “${ACTION}”` }).click();
    await page.getByRole('status').filter({ hasText: `“${ACTION}” is done.` }).waitFor();
    await page.getByRole('button', { name: 'Move to Closed' }).click();
    await page.getByRole('status').filter({ hasText: 'Moved to Closed.' }).waitFor();
    const timeline = await page.getByRole('heading', { name: 'Timeline' }).locator('xpath=..').innerText();
    for (const entry of ['Reported', 'Rules: GDPR', 'Scope worked out: 1 client, 1 matter, 1 document (0 privileged)', 'Account disabled: Alice Attorney', 'Account enabled again: Alice Attorney', `Corrective action added: “${ACTION}” for Pat Paralegal`, `Corrective action done: “${ACTION}”`, 'Moved to Assessed', 'Scope reviewed: one matter, one document.', 'Moved to Closed', 'by Cora Compliance', 'by Pat Paralegal']) {
      expect(timeline).toContain(entry);
    }
    await inspect(page, 'incident-closed');
    await page.getByRole('link', { name: '← Incidents' }).click();
    await page.getByRole('row', { name: new RegExp(LATE) }).waitFor();
    expect(await page.getByRole('row', { name: new RegExp(TITLE) }).count()).toBe(0);
    await page.getByLabel('Show closed incidents').check();
    expect(await page.getByRole('row', { name: new RegExp(TITLE) }).innerText()).toContain('Closed');
  });

  it('the reporter sees the steps; the attorney who did not report it gets the not-found page', async () => {
    await pat.page.reload();
    await pat.page.getByRole('heading', { name: 'Your reports', level: 1 }).waitFor();
    await pat.page.getByRole('row', { name: new RegExp(TITLE) }).getByRole('link', { name: number }).click();
    await pat.page.getByText('Moved to Closed').waitFor();
    expect(await pat.page.getByRole('main').innerText()).not.toContain('lost property');

    const { page } = alice;
    // A code is good once: wait for a step after the one she signed in with.
    while (Math.floor(Date.now() / 30_000) <= aliceStep + 1) await new Promise((r) => setTimeout(r, 500));
    await signInWithMfa(page, attorney);
    await page.goto(incidentPath);
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
    expect(await page.getByRole('main').innerText()).not.toContain(TITLE);
    await inspect(page, 'not-found');
    await page.goto('/incidents');
    await page.getByRole('heading', { name: 'Your reports', level: 1 }).waitFor();
    expect(await page.getByRole('main').innerText()).not.toContain(TITLE);
  });
});

/// <reference lib="dom" />
/**
 * The two-person rule in a real browser against the real built server. The first administrator
 * invites a compliance officer (made at once: nobody else could approve yet, the waiver audited),
 * who accepts the invitation in a browser of their own. From then on a new account waits for a
 * second person: the administrator's next invitation answers "waiting for approval", the account
 * is not on People, the compliance officer approves it under Approvals, and then it is. A role
 * change filed the same way is withdrawn by its requester.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAccessibility, isExpectedAuthError, launchBrowser, signInAsFirstAdministrator, startServer, totpCode, type LaunchedBrowser, type RunningServer, type TrackedPage } from './support/index.js';

const PASSWORD = 'another long and unusual passphrase 71';
const SCREENSHOTS = process.env.E2E_SCREENSHOT_DIR ?? null;

/** The invitation link mailed to `email` (no SMTP: the outbox folder in the data folder). */
function invitationLink(server: RunningServer, email: string): string {
  const outbox = join(server.dataDir, 'outbox');
  for (const name of readdirSync(outbox)) {
    const mail = readFileSync(join(outbox, name), 'utf8');
    if (!mail.startsWith(`To: ${email}\n`)) continue;
    const link = /(https?:\/\/\S+\/invite#[A-Za-z0-9_-]+)/.exec(mail)?.[1];
    if (link) return new URL(link).pathname + new URL(link).hash;
  }
  throw new Error(`no invitation for ${email} in the outbox`);
}

/** Neither width scrolls the page sideways (a wide table may scroll inside its own box). */
async function expectNoHorizontalOverflow(page: Page): Promise<void> {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
  expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
}

/** Checks the page at desktop and phone widths (screenshots when E2E_SCREENSHOT_DIR is set). */
async function checkWidths(page: Page, name: string): Promise<void> {
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 800 });
    if (SCREENSHOTS) await page.screenshot({ path: join(SCREENSHOTS, `${name}-${width}.png`), fullPage: true });
    await expectNoHorizontalOverflow(page);
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

describe('the two-person rule in the browser', () => {
  let server: RunningServer;
  let adaBrowser: LaunchedBrowser;
  let coraBrowser: LaunchedBrowser;
  let ada: TrackedPage;
  let cora: TrackedPage;
  beforeAll(async () => {
    server = await startServer();
    // Two browsers with their own profiles: two people, two sessions.
    adaBrowser = await launchBrowser({ baseURL: server.url });
    coraBrowser = await launchBrowser({ baseURL: server.url });
    ada = await adaBrowser.newPage();
    cora = await coraBrowser.newPage();
  });
  afterAll(async () => {
    await adaBrowser?.close();
    await coraBrowser?.close();
    await server?.stop();
  });

  it('lets the lone first administrator invite a compliance officer at once, who joins', async () => {
    const { page } = ada;
    await signInAsFirstAdministrator(page, server);
    await page.getByRole('link', { name: 'People' }).click();
    await page.getByRole('heading', { name: 'People' }).waitFor();
    await page.getByLabel('Name').first().fill('Cora Compliance');
    await page.getByLabel('Email').fill('cora@firm.example');
    await page.getByLabel('Role').first().selectOption('compliance_officer');
    await page.getByRole('button', { name: 'Send invitation', exact: true }).click();
    // Nobody else could approve yet: made now (the server audits the waiver).
    await page.getByText('Invitation for cora@firm.example written to the mail outbox').waitFor();

    await cora.page.goto(invitationLink(server, 'cora@firm.example'));
    await cora.page.getByLabel('New password').fill(PASSWORD);
    await cora.page.getByRole('button', { name: 'Set password and continue' }).click();
    await cora.page.waitForURL(/\/enroll/);
    await cora.page.getByRole('button', { name: 'Set up an authenticator app' }).click();
    const secret = ((await cora.page.getByTestId('totp-secret').textContent()) ?? '').trim();
    await cora.page.getByLabel('6-digit code').fill(totpCode(secret));
    await cora.page.getByRole('button', { name: 'Confirm' }).click();
    await cora.page.getByRole('button', { name: 'I have saved them' }).click();
    await cora.page.getByRole('heading', { name: 'Welcome to Confidant' }).waitFor();
  });

  it('files the next invitation for approval: a waiting notice links to Approvals, and nobody is added yet', async () => {
    const { page } = ada;
    await page.getByLabel('Name').first().fill('Pat Paralegal');
    await page.getByLabel('Email').fill('pat@firm.example');
    await page.getByLabel('Role').first().selectOption('paralegal');
    await page.getByRole('button', { name: 'Send invitation', exact: true }).click();
    const notice = page.getByRole('status').filter({ hasText: 'The invitation for pat@firm.example is waiting for a second person’s approval' });
    await notice.waitFor();
    await page.getByRole('cell', { name: 'cora@firm.example' }).waitFor();
    expect(await page.getByRole('cell', { name: 'pat@firm.example' }).count()).toBe(0);
    await checkAccessibility(page);
    await checkWidths(page, 'people-waiting');

    await notice.getByRole('link', { name: 'Approvals' }).click();
    await page.getByRole('heading', { name: 'Approvals' }).waitFor();
    const mine = page.getByRole('list', { name: 'Your requests' });
    await mine.getByText('Invite Pat Paralegal (pat@firm.example) as paralegal').waitFor();
    await mine.getByText(/Waiting for a second person until/).waitFor();
    await mine.getByRole('button', { name: /^Cancel/ }).waitFor();
    // Never one's own to decide.
    await page.getByText('Nothing waits for your approval.').waitFor();
    await checkAccessibility(page);
    await checkWidths(page, 'approvals-requester');
  });

  it('lets the compliance officer approve it under Approvals, and the account appears on People', async () => {
    const { page } = cora;
    await page.getByRole('link', { name: 'Approvals' }).click();
    await page.getByRole('heading', { name: 'Approvals' }).waitFor();
    const waiting = page.getByRole('list', { name: 'Waiting for you' });
    await waiting.getByText('Invite Pat Paralegal (pat@firm.example) as paralegal').waitFor();
    await waiting.getByText(/Asked by Ada Admin/).waitFor();
    await checkAccessibility(page);
    await checkWidths(page, 'approvals-approver');
    await waiting.getByRole('button', { name: 'Approve: Invite Pat Paralegal (pat@firm.example) as paralegal' }).click();
    await page.getByRole('status').filter({ hasText: 'Approved: Invite Pat Paralegal (pat@firm.example) as paralegal. The change is made.' }).waitFor();
    await page.getByText('Nothing waits for your approval.').waitFor();

    await ada.page.getByRole('link', { name: 'People' }).click();
    await ada.page.getByRole('cell', { name: 'pat@firm.example' }).waitFor();
    await ada.page.getByRole('link', { name: 'Approvals' }).click();
    await ada.page
      .getByRole('list', { name: 'Your requests' })
      .getByText(/Approved by Cora Compliance/)
      .waitFor();
    // Approving sent the invitation.
    expect(invitationLink(server, 'pat@firm.example')).toMatch(/^\/invite#/);
  });

  it('files a role change for approval, which its requester withdraws', async () => {
    const { page, errors } = ada;
    await page.getByRole('link', { name: 'People' }).click();
    await page.getByLabel('Role of Pat Paralegal').selectOption('attorney');
    const notice = page.getByRole('status').filter({ hasText: 'Changing Pat Paralegal’s role to attorney is waiting for a second person’s approval' });
    await notice.waitFor();
    // The role is unchanged until approved.
    expect(await page.getByLabel('Role of Pat Paralegal').inputValue()).toBe('paralegal');

    await notice.getByRole('link', { name: 'Approvals' }).click();
    const mine = page.getByRole('list', { name: 'Your requests' });
    await mine.getByRole('button', { name: 'Cancel: Change Pat Paralegal’s role to attorney' }).click();
    await page.getByRole('status').filter({ hasText: 'Withdrawn: Change Pat Paralegal’s role to attorney.' }).waitFor();
    await mine.getByText(/Withdrawn on/).waitFor();

    await cora.page.reload();
    await cora.page.getByText('Nothing waits for your approval.').waitFor();
    expect(errors().filter((e) => !isExpectedAuthError(e))).toEqual([]);
    expect(cora.errors().filter((e) => !isExpectedAuthError(e))).toEqual([]);
  });
});

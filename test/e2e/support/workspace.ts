/**
 * The set-up most vault specs share, done the way a person does it: a staff account created with
 * the CLI (as an operator would), signed in with the password and a second factor (TOTP enrolled
 * on first sign-in with a real code), then a client created and a matter opened in the web app.
 * `signInWithClientAndMatter` does all of it; the steps are exported for specs that need only one.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { signInAsFirstAdministrator, totpCode } from './session.js';
import { REPO_ROOT, type RunningServer } from './server.js';

export interface StaffAccount {
  email: string;
  name: string;
  role: 'attorney' | 'paralegal' | 'assistant' | 'compliance_officer' | 'firm_admin';
  password: string;
  /** Base32 TOTP secret once enrolled (`totpCode(secret)` for the next sign-in); '' before. */
  totpSecret: string;
}

/** Runs `confidant <args>` against the server's data folder (stdin from `input`). */
export function runCli(server: RunningServer, args: string[], input = ''): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'confidant.js'), ...args], {
    input,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'warn', ...server.env, CONFIDANT_DATA_DIR: server.dataDir },
    encoding: 'utf8',
  });
}

/** Creates a staff account with `confidant user create` (password on stdin). Throws with the CLI's stderr on failure. */
export function createStaffWithCli(server: RunningServer, account: Omit<StaffAccount, 'totpSecret'>): StaffAccount {
  const created = runCli(server, ['user', 'create', '--email', account.email, '--name', account.name, '--role', account.role, '--password-stdin'], `${account.password}\n`);
  if (created.status !== 0) throw new Error(`confidant user create ${account.email} failed (${created.status}): ${created.stderr}`);
  return { ...account, totpSecret: '' };
}

/**
 * Signs `account` in from the sign-in page (signing out first when someone is signed in) with the
 * password and a second factor: on the first sign-in it enrolls an authenticator app (the secret
 * is stored in `account.totpSecret`) and saves the recovery codes; later, it types the current
 * code (a spec signing in twice within one 30-second step must wait: codes are single-use).
 * Ends on the start page.
 */
export async function signInWithMfa(page: Page, account: StaffAccount): Promise<StaffAccount> {
  const signOut = page.getByRole('button', { name: 'Sign out' });
  if (await signOut.isVisible()) {
    await signOut.click();
    await page.waitForURL(/\/sign-in(\?|$)/);
  } else {
    await page.goto('/sign-in');
  }
  await page.getByLabel('Email').fill(account.email);
  await page.getByLabel('Password').fill(account.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  if (account.totpSecret === '') {
    await page.waitForURL(/\/enroll/);
    await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
    account.totpSecret = ((await page.getByTestId('totp-secret').textContent()) ?? '').trim();
    await page.getByLabel('6-digit code').fill(totpCode(account.totpSecret));
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByRole('button', { name: 'I have saved them' }).click();
  } else {
    await page.waitForURL(/\/sign-in\/mfa/);
    await page.getByLabel('Code from your authenticator app').fill(totpCode(account.totpSecret));
    await page.getByRole('button', { name: 'Confirm' }).click();
  }
  await page.getByRole('heading', { name: 'Welcome to Confidant' }).waitFor();
  return account;
}

export interface ClientAndMatterOptions {
  clientName: string;
  clientEmail?: string;
  matterTitle: string;
  /** Called on the Clients page before creating the client, and on the new matter's page (e.g. `checkAccessibility`). */
  inspect?: (page: Page, where: 'clients' | 'matter') => Promise<void>;
}

/** Creates a client on the Clients page and opens a matter for it; ends on the matter's page. */
export async function createClientAndMatter(page: Page, options: ClientAndMatterOptions): Promise<{ clientId: string; matterId: string }> {
  await page.getByRole('link', { name: 'Clients' }).click();
  await page.getByRole('heading', { name: 'Clients' }).waitFor();
  await options.inspect?.(page, 'clients');
  await page.getByText('New client', { exact: true }).click();
  await page.getByLabel('Name').fill(options.clientName);
  if (options.clientEmail !== undefined) await page.getByLabel('Email').fill(options.clientEmail);
  await page.getByRole('button', { name: 'Create client' }).click();
  await page.waitForURL(/\/clients\/[0-9a-f-]{36}/);
  await page.getByRole('heading', { name: options.clientName }).waitFor();
  if (options.clientEmail !== undefined) await page.getByText(options.clientEmail).waitFor();
  const clientId = idFrom(page.url(), 'clients');
  await page.getByText('Open a matter', { exact: true }).click();
  await page.getByLabel('Title').fill(options.matterTitle);
  await page.getByRole('button', { name: 'Open matter' }).click();
  await page.waitForURL(/\/matters\/[0-9a-f-]{36}/);
  await page.getByRole('heading', { name: new RegExp(escapeRegExp(options.matterTitle)) }).waitFor();
  const matterId = idFrom(page.url(), 'matters');
  await options.inspect?.(page, 'matter');
  return { clientId, matterId };
}

export interface SignedInWithMatter {
  attorney: StaffAccount;
  clientId: string;
  matterId: string;
}

/**
 * On a fresh server: the first administrator is set up (from the printed link), an attorney is
 * created with the CLI and signs in with MFA, then creates a client and opens a matter. Ends on
 * the matter's page, signed in as the attorney.
 */
export async function signInWithClientAndMatter(
  page: Page,
  server: RunningServer,
  options: Partial<ClientAndMatterOptions> & { attorney?: Partial<Omit<StaffAccount, 'totpSecret' | 'role'>> } = {},
): Promise<SignedInWithMatter> {
  await signInAsFirstAdministrator(page, server);
  const attorney = createStaffWithCli(server, {
    email: options.attorney?.email ?? 'alice@firm.example',
    name: options.attorney?.name ?? 'Alice Attorney',
    role: 'attorney',
    password: options.attorney?.password ?? 'attorney passphrase that is long 71',
  });
  await signInWithMfa(page, attorney);
  const ids = await createClientAndMatter(page, {
    clientName: options.clientName ?? 'Northwind Traders',
    matterTitle: options.matterTitle ?? 'Northwind v. Contoso',
    ...(options.clientEmail !== undefined ? { clientEmail: options.clientEmail } : {}),
    ...(options.inspect ? { inspect: options.inspect } : {}),
  });
  return { attorney, ...ids };
}

function idFrom(url: string, collection: 'clients' | 'matters'): string {
  const id = new RegExp(`/${collection}/([0-9a-f-]{36})(?:[/?#]|$)`).exec(new URL(url).pathname)?.[1];
  if (!id) throw new Error(`expected a /${collection}/<id> page, got ${url}`);
  return id;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

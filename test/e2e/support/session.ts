/**
 * Gets a browser page signed in, the way a new firm does it: the first administrator is created
 * from the one-time setup link the server printed, enrolls an authenticator app (a real TOTP
 * code, computed here), saves the recovery codes and lands on the start page. For specs that
 * need a signed-in shell; identity.spec.ts tests this flow itself in detail.
 */
import { Secret, TOTP } from 'otpauth';
import type { Page } from 'playwright-core';
import type { RunningServer } from './server.js';

export interface SignedInAdministrator {
  name: string;
  email: string;
  password: string;
  /** Base32 TOTP secret, for signing in again: `totpCode(secret)`. */
  totpSecret: string;
}

export function totpCode(secret: string, at = Date.now()): string {
  return new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 }).generate({ timestamp: at });
}

/** Console errors a signed-out check of the session produces by design (HTTP 401). */
export const isExpectedAuthError = (message: string) => /status of 401/.test(message);

export async function signInAsFirstAdministrator(page: Page, server: RunningServer): Promise<SignedInAdministrator> {
  // The last link printed is the live one: `start` prints one at init and a fresh one once serving.
  const link = [...server.output().matchAll(/(https?:\/\/\S+\/setup#[A-Za-z0-9_-]+)/g)].at(-1)?.[1];
  if (!link) throw new Error('the server did not print a setup link (is this a fresh instance?)');
  const admin = { name: 'Ada Admin', email: 'ada@firm.example', password: 'a long and unusual passphrase 93', totpSecret: '' };
  // Same origin as the page's baseURL: the link's host may be 127.0.0.1 or localhost.
  await page.goto(new URL(link).pathname + new URL(link).hash);
  await page.getByLabel('Your name').fill(admin.name);
  await page.getByLabel('Email').fill(admin.email);
  await page.getByLabel('Password').fill(admin.password);
  await page.getByRole('button', { name: 'Create administrator' }).click();
  await page.waitForURL(/\/enroll/);
  await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
  admin.totpSecret = ((await page.getByTestId('totp-secret').textContent()) ?? '').trim();
  await page.getByLabel('6-digit code').fill(totpCode(admin.totpSecret));
  await page.getByRole('button', { name: 'Confirm' }).click();
  await page.getByRole('button', { name: 'I have saved them' }).click();
  await page.getByRole('heading', { name: 'Welcome to Confidant' }).waitFor();
  return admin;
}

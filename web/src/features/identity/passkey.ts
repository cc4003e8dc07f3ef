// Browser side of WebAuthn: SimpleWebAuthn turns the server's JSON options into navigator.credentials
// calls. A failed ceremony becomes a PasskeyError that says in plain words what went wrong.
import { startAuthentication, startRegistration } from '@simplewebauthn/browser';
import { identityApi } from './api';

type RegistrationOptions = Parameters<typeof startRegistration>[0]['optionsJSON'];
type AuthenticationOptions = Parameters<typeof startAuthentication>[0]['optionsJSON'];

/** What a person is told when a passkey ceremony fails (never the browser's raw exception). */
export class PasskeyError extends Error {
  constructor(
    readonly reason: 'unsupported' | 'needs-domain' | 'wrong-address' | 'cancelled' | 'timed-out' | 'already-registered' | 'failed',
    message: string,
  ) {
    super(message);
    this.name = 'PasskeyError';
  }
}

const IP_ADDRESS = /^(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-f:.]+\])$/i;

/** The address to open instead of a bare IP: localhost on the same port (WebAuthn accepts it as a domain). */
export function localhostAddress(location: Pick<Location, 'protocol' | 'port' | 'pathname'>): string {
  return `${location.protocol}//localhost${location.port ? `:${location.port}` : ''}`;
}

/** Refuses before the browser does, with words a person can act on. */
export function assertPasskeysUsableHere(rpId?: string): void {
  if (typeof window.PublicKeyCredential === 'undefined') throw new PasskeyError('unsupported', 'This browser cannot use passkeys. Use your authenticator app or a recovery code, or try another browser.');
  const host = window.location.hostname;
  if (IP_ADDRESS.test(host)) {
    throw new PasskeyError('needs-domain', `Passkeys need a domain name, not an IP address; open ${localhostAddress(window.location)} instead.`);
  }
  if (rpId && host !== rpId && !host.endsWith(`.${rpId}`)) {
    throw new PasskeyError('wrong-address', `Passkeys for this server work only at ${rpId}; open Confidant at that address instead of ${host}.`);
  }
}

/** Turns what the browser threw into a PasskeyError (cancelled, timed out, not allowed here, already registered…). */
export function explainCeremonyFailure(error: unknown, startedAt: number, timeoutMs: number): PasskeyError {
  if (error instanceof PasskeyError) return error;
  const e = error as { name?: string; code?: string; cause?: { name?: string } } | null;
  const code = e?.code ?? '';
  const name = e?.cause?.name ?? e?.name ?? '';
  if (code === 'ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED' || name === 'InvalidStateError') return new PasskeyError('already-registered', 'This passkey is already registered to your account. Use it to sign in, or add a different one.');
  if (code === 'ERROR_INVALID_DOMAIN' || code === 'ERROR_INVALID_RP_ID' || name === 'SecurityError') {
    return new PasskeyError('wrong-address', 'Passkeys are not allowed at this address. Open Confidant at the address your administrator gave you (not an IP address).');
  }
  if (code === 'ERROR_CEREMONY_ABORTED' || name === 'AbortError') return new PasskeyError('cancelled', 'The passkey request was cancelled. Try again when you are ready.');
  if (name === 'NotAllowedError') {
    // The browser says NotAllowedError both when the person cancels and when the prompt times out.
    return Date.now() - startedAt >= timeoutMs - 1000
      ? new PasskeyError('timed-out', 'The passkey request timed out. Try again, and confirm on your device when it asks.')
      : new PasskeyError('cancelled', 'The passkey request was cancelled or not allowed. Try again, or use another way to confirm.');
  }
  return new PasskeyError('failed', 'Your device could not complete the passkey request. Try again, or use another way to confirm.');
}

async function ceremony<T>(timeoutMs: number | undefined, run: () => Promise<T>): Promise<T> {
  const startedAt = Date.now();
  try {
    return await run();
  } catch (error) {
    throw explainCeremonyFailure(error, startedAt, timeoutMs ?? 60_000);
  }
}

export async function registerPasskey(name: string) {
  assertPasskeysUsableHere();
  const options = (await identityApi.passkeyRegistrationOptions()) as unknown as RegistrationOptions;
  assertPasskeysUsableHere(options.rp.id);
  const response = await ceremony(options.timeout, () => startRegistration({ optionsJSON: options }));
  return identityApi.passkeyRegister(response, name);
}

async function assertWith(options: AuthenticationOptions) {
  assertPasskeysUsableHere(options.rpId);
  return ceremony(options.timeout, () => startAuthentication({ optionsJSON: options }));
}

export async function confirmWithPasskey() {
  assertPasskeysUsableHere();
  const options = (await identityApi.passkeyAuthenticationOptions()) as unknown as AuthenticationOptions;
  return identityApi.passkeyAuthenticate(await assertWith(options));
}

/** The passkey assertion that confirms a password reset (the challenge is bound to the reset link). */
export async function passkeyForReset(token: string) {
  assertPasskeysUsableHere();
  const options = (await identityApi.passwordResetPasskeyOptions(token)) as unknown as AuthenticationOptions;
  return assertWith(options);
}

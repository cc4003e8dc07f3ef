import { describe, expect, it } from 'vitest';
import { badgeOf } from './AdminUsersPage';
import { explainCeremonyFailure, localhostAddress, PasskeyError } from './passkey';
import { sessionEndingMessage } from './SignInPage';

describe('identity in the web app', () => {
  it('explains a failed passkey ceremony in plain words', () => {
    const started = Date.now();
    const cancelled = explainCeremonyFailure({ name: 'NotAllowedError' }, started, 60_000);
    expect(cancelled).toBeInstanceOf(PasskeyError);
    expect(cancelled.reason).toBe('cancelled');
    expect(explainCeremonyFailure({ name: 'NotAllowedError' }, started - 61_000, 60_000).reason).toBe('timed-out');
    expect(explainCeremonyFailure({ code: 'ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED', name: 'WebAuthnError' }, started, 60_000).message).toMatch(/already registered/);
    expect(explainCeremonyFailure({ name: 'WebAuthnError', code: 'ERROR_INVALID_DOMAIN' }, started, 60_000).reason).toBe('wrong-address');
    expect(explainCeremonyFailure({ name: 'SecurityError' }, started, 60_000).reason).toBe('wrong-address');
    const odd = explainCeremonyFailure(new TypeError('internal detail xyz'), started, 60_000);
    expect(odd.reason).toBe('failed');
    expect(odd.message).not.toContain('xyz');
  });

  it('points a bare IP to the same port on localhost', () => {
    expect(localhostAddress({ protocol: 'http:', port: '8080', pathname: '/enroll' })).toBe('http://localhost:8080');
    expect(localhostAddress({ protocol: 'https:', port: '', pathname: '/' })).toBe('https://localhost');
  });

  it('says why the sessions ended, with the time', () => {
    const at = new Date();
    at.setHours(10, 42, 0, 0);
    const message = sessionEndingMessage({ at: at.getTime(), reason: 'administrator' });
    expect(message).toMatch(/^Your sessions were ended by an administrator at .*42.*; sign in again\.$/);
    expect(sessionEndingMessage({ at: at.getTime(), reason: 'security' })).toContain('for security reasons');
  });

  it('shows an invitation as pending until accepted, and disabled over pending', () => {
    expect(badgeOf({ status: 'active', invitationPending: true })).toBe('pending');
    expect(badgeOf({ status: 'active', invitationPending: false })).toBe('active');
    expect(badgeOf({ status: 'leaving', invitationPending: false })).toBe('leaving');
    expect(badgeOf({ status: 'disabled', invitationPending: true })).toBe('disabled');
  });
});

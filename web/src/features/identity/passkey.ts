// Browser side of WebAuthn: SimpleWebAuthn turns the server's JSON options into navigator.credentials calls.
import { startAuthentication, startRegistration } from '@simplewebauthn/browser';
import { identityApi } from './api';

export async function registerPasskey(name: string) {
  const options = await identityApi.passkeyRegistrationOptions();
  const response = await startRegistration({ optionsJSON: options as unknown as Parameters<typeof startRegistration>[0]['optionsJSON'] });
  return identityApi.passkeyRegister(response, name);
}

export async function confirmWithPasskey() {
  const options = await identityApi.passkeyAuthenticationOptions();
  const response = await startAuthentication({ optionsJSON: options as unknown as Parameters<typeof startAuthentication>[0]['optionsJSON'] });
  return identityApi.passkeyAuthenticate(response);
}

/**
 * A string schema whose static type is a branded id (`ClientId`, `MatterId`, …), so a route's
 * `request.params.clientId` arrives typed for the service call without a cast. The JSON schema —
 * what is validated and what the OpenAPI document shows — is the one given, unchanged.
 */
import { Type, type TString, type TUnsafe } from 'typebox';

export function branded<T extends string>(schema: TString): TUnsafe<T> {
  return Type.Unsafe<T>(schema);
}

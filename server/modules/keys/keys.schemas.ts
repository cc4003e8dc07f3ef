/** TypeBox schemas of the keys routes (they also feed the OpenAPI document); errors use platform/http/errors-schema.ts. */
import { Type } from 'typebox';
import type { ClientId } from '../../../common/ids.js';
import { branded } from '../../platform/http/branded.js';
import { UUID_PATTERN } from '../../platform/ids.js';

export const ClientParams = Type.Object({ clientId: branded<ClientId>(Type.String({ pattern: UUID_PATTERN })) });

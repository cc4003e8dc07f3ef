import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import { fieldError } from './form-errors';

const error = new ApiError(400, 'VALIDATION_FAILED', 'Invalid body', 'req-1', [
  { path: 'body.clientName', message: 'is too long' },
  { path: 'body.contact.name', message: 'is required' },
  { path: 'querystring.since', message: 'must not be after until' },
]);

describe('fieldError', () => {
  it('matches the exact path only: body.name is neither body.clientName nor body.contact.name', () => {
    expect(fieldError(error, 'body.name')).toBeNull();
    expect(fieldError(error, 'name')).toBeNull();
    expect(fieldError(error, 'body.clientName')).toBe('is too long');
    expect(fieldError(error, 'body.contact.name')).toBe('is required');
  });

  it('finds a query parameter by its full path', () => {
    expect(fieldError(error, 'querystring.since')).toBe('must not be after until');
    expect(fieldError(error, 'since')).toBeNull();
  });

  it('is null for anything that is not an ApiError', () => {
    expect(fieldError(new Error('x'), 'body.name')).toBeNull();
    expect(fieldError(null, 'body.name')).toBeNull();
  });
});

import { describe, expect, it } from '@jest/globals';
import { QueryFailedError } from 'typeorm';
import { isDatabaseUnavailable } from './database-unavailable.js';

describe('isDatabaseUnavailable', () => {
  it.each([
    Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3306'), { code: 'ECONNREFUSED' }),
    Object.assign(new Error('Connection lost: The server closed the connection.'), { code: 'PROTOCOL_CONNECTION_LOST' }),
    new QueryFailedError('SELECT 1', [], Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })),
    new TypeError('The database connection is not open'),
    Object.assign(new Error('wrapped'), { cause: Object.assign(new Error('x'), { code: 'ETIMEDOUT' }) }),
  ])('recognises %s', (error) => expect(isDatabaseUnavailable(error)).toBe(true));

  it.each([
    new Error('something else'),
    new QueryFailedError('INSERT', [], Object.assign(new Error('dup'), { code: 'ER_DUP_ENTRY' })),
    null,
    'ECONNREFUSED',
  ])('does not mistake %s for an outage', (error) => expect(isDatabaseUnavailable(error)).toBe(false));
});

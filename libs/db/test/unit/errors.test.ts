import { HarkError } from '@hark/errors';
import { describe, expect, it } from 'vitest';
import { isDatabaseError, isTransientDbError } from '../../src/errors.ts';

/** What node-postgres throws for an error the server reported. */
function serverError(code: string, message = 'server said no') {
  return Object.assign(new Error(message), { code, severity: 'ERROR' });
}

describe('isTransientDbError', () => {
  it.each([
    ['connection_failure', '08006'],
    ['cannot_connect_now', '57P03'],
    ['admin_shutdown', '57P01'],
    ['too_many_connections', '53300'],
    ['serialization_failure', '40001'],
    ['deadlock_detected', '40P01'],
  ])('retries %s (%s)', (_name, code) => {
    expect(isTransientDbError(serverError(code))).toBe(true);
  });

  it.each([
    ['unique_violation', '23505'],
    ['invalid_text_representation', '22P02'],
    ['undefined_table', '42P01'],
  ])('does not retry %s (%s): retrying a bug only stalls the stage', (_name, code) => {
    expect(isTransientDbError(serverError(code))).toBe(false);
  });

  it('retries lost and refused connections, which node-postgres reports without a SQLSTATE', () => {
    expect(isTransientDbError(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isTransientDbError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isTransientDbError(new Error('timeout exceeded when trying to connect'))).toBe(true);
  });

  it('trusts the SQLSTATE over the message for errors the server reported', () => {
    expect(isTransientDbError(serverError('23505', 'duplicate key violates "connection_pk"'))).toBe(
      false,
    );
  });

  it('follows a HarkError’s own verdict', () => {
    expect(isTransientDbError(new HarkError('HARK_DB_UNAVAILABLE'))).toBe(true);
    expect(isTransientDbError(new Error('column "x" does not exist'))).toBe(false);
  });
});

describe('isDatabaseError', () => {
  it('is true only for errors with a SQLSTATE and a severity', () => {
    expect(isDatabaseError(serverError('23505'))).toBe(true);
    expect(isDatabaseError(new Error('Connection terminated'))).toBe(false);
    expect(isDatabaseError(null)).toBe(false);
  });
});

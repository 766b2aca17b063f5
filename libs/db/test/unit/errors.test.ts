import { HarkError } from '@hark/errors';
import { describe, expect, it } from 'vitest';
import { isDatabaseError, isTransientDbError, toDbError, withDbErrors } from '../../src/errors.ts';

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

describe('toDbError', () => {
  it.each([
    ['a lost connection', new Error('Connection terminated unexpectedly'), true, undefined],
    ['a deadlock', serverError('40P01', 'deadlock detected'), true, '40P01'],
    ['a server shutting down', serverError('57P01', 'terminating connection'), true, '57P01'],
    ['a unique violation', serverError('23505', 'duplicate key'), false, '23505'],
    ['a type error', serverError('22P02', 'invalid input syntax'), false, '22P02'],
  ])('maps %s to HARK_DB_UNAVAILABLE, retriable %s', (_name, err, retriable, sqlState) => {
    const mapped = toDbError(err, 'outbox insert');
    expect(mapped.code).toBe('HARK_DB_UNAVAILABLE');
    expect(mapped.retriable).toBe(retriable);
    expect(mapped.message).toBe(`outbox insert failed: ${err.message}`);
    expect(mapped.cause).toBe(err);
    expect(mapped.context).toEqual({ sqlState });
  });

  it('uses the code the caller names, keeping the retriable verdict of the failure', () => {
    const lost = toDbError(
      new Error('Connection terminated'),
      'mentions',
      'HARK_ROLLUP_WRITE_FAILED',
    );
    expect(lost).toMatchObject({ code: 'HARK_ROLLUP_WRITE_FAILED', retriable: true });
    const bug = toDbError(serverError('42P01'), 'mentions', 'HARK_ROLLUP_WRITE_FAILED');
    expect(bug).toMatchObject({ code: 'HARK_ROLLUP_WRITE_FAILED', retriable: false });
  });

  it('passes a HarkError through unchanged', () => {
    const own = new HarkError('HARK_IDENTITY_INVALID_AUTHOR', 'no author');
    expect(toDbError(own, 'identity store')).toBe(own);
  });

  it('when the failure is not an Error, the message still says what failed', () => {
    expect(toDbError('boom', 'outbox claim').message).toBe('outbox claim failed: boom');
  });
});

describe('withDbErrors', () => {
  it('returns what the work returns', async () => {
    await expect(withDbErrors('identity store', async () => 42)).resolves.toBe(42);
  });

  it('throws the mapped error when the work fails', async () => {
    const failing = withDbErrors('identity store', async () => {
      throw serverError('40001', 'could not serialize access');
    });
    await expect(failing).rejects.toMatchObject({
      code: 'HARK_DB_UNAVAILABLE',
      retriable: true,
      message: 'identity store failed: could not serialize access',
    });
  });
});

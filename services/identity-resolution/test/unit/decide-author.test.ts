import { describe, expect, it, vi } from 'vitest';
import {
  customerMatchOf,
  decideAuthor,
  identityLinkOf,
  type StoredIdentity,
} from '../../src/domain/decide-author.ts';
import type { Resolution } from '../../src/domain/match-author.ts';
import { CRM, indexOf } from './fixtures.ts';

const index = indexOf(...CRM);
const who = { platform: 'x', authorId: 'a1', handle: 'jdoe' };

function stored(overrides: Partial<StoredIdentity>): StoredIdentity {
  return {
    platform: 'x',
    authorId: 'a1',
    handle: 'jdoe',
    customerId: 1,
    externalId: 'C1',
    customerTier: 'gold',
    customerValue: 1200,
    status: 'linked',
    confidence: 0.99,
    method: 'fuzzy',
    evidence: [],
    decidedBy: 'system',
    decidedAt: 1_700_000_000_000,
    ...overrides,
  };
}

function resolution(overrides: Partial<Resolution>): Resolution {
  return {
    status: 'linked',
    method: 'fuzzy',
    slot: 0,
    confidence: 0.99,
    evidence: [{ kind: 'last_name', detail: 'display name: exact', weight: 9 }],
    candidates: [{ slot: 0, weight: 30, probability: 0.99 }],
    skippedBlocks: 0,
    ...overrides,
  };
}

describe('decideAuthor', () => {
  it('an existing link stands and nothing is matched', () => {
    const resolve = vi.fn();
    expect(decideAuthor(stored({}), resolve, index, who)).toMatchObject({ kind: 'keep' });
    expect(resolve).not.toHaveBeenCalled();
  });

  it('a human rejection stands', () => {
    const resolve = vi.fn();
    const d = decideAuthor(stored({ status: 'rejected', decidedBy: 'ana' }), resolve, index, who);
    expect(d).toMatchObject({ kind: 'keep' });
    expect(resolve).not.toHaveBeenCalled();
  });

  it('a pending review is upgraded when the evidence now suffices', () => {
    const d = decideAuthor(
      stored({ status: 'review', confidence: 0.7 }),
      () => resolution({}),
      index,
      who,
    );
    expect(d).toMatchObject({
      kind: 'write',
      write: { status: 'linked', customerId: 1, method: 'fuzzy' },
    });
  });

  it('a pending review with the same candidate and confidence is not rewritten', () => {
    const d = decideAuthor(
      stored({ status: 'review', confidence: 0.7 }),
      () => resolution({ status: 'review', confidence: 0.72 }),
      index,
      who,
    );
    expect(d).toMatchObject({ kind: 'keep' });
  });

  it('a new author with a match is written; without one it is a prospect', () => {
    expect(
      decideAuthor(undefined, () => resolution({ status: 'review', confidence: 0.6 }), index, who),
    ).toMatchObject({
      kind: 'write',
      write: { status: 'review', candidates: [{ customerId: 1, externalId: 'C1' }] },
    });
    expect(
      decideAuthor(
        undefined,
        () => resolution({ status: 'prospect', method: 'none', slot: null, confidence: 0.2 }),
        index,
        who,
      ),
    ).toEqual({ kind: 'prospect', confidence: 0.2 });
  });
});

describe('what a mention says about its author', () => {
  it('a stored link reads as existing_link with the CRM tier and value', () => {
    expect(customerMatchOf(stored({}), false)).toEqual({
      customerId: 'C1',
      status: 'linked',
      confidence: 0.99,
      method: 'existing_link',
      customerTier: 'gold',
      customerValue: 1200,
    });
  });

  it('a link made in this batch keeps its method', () => {
    expect(customerMatchOf(stored({ method: 'email' }), true).method).toBe('email');
  });

  it('a pair under review has no customer id yet', () => {
    expect(customerMatchOf(stored({ status: 'review', confidence: 0.8 }), true)).toMatchObject({
      customerId: null,
      status: 'review',
      customerTier: null,
    });
  });

  it('a rejected author and an unknown one are prospects', () => {
    expect(customerMatchOf(stored({ status: 'rejected' }), false)).toMatchObject({
      status: 'prospect',
      method: 'none',
      confidence: 0,
    });
    expect(customerMatchOf(null, false, 0.31)).toMatchObject({
      status: 'prospect',
      confidence: 0.31,
    });
  });

  it('identity.links carries the decision; a rejection names no customer', () => {
    expect(identityLinkOf(stored({}))).toMatchObject({
      customerId: 'C1',
      status: 'linked',
      decidedBy: 'system',
    });
    expect(identityLinkOf(stored({ status: 'rejected', decidedBy: 'ana' }))).toMatchObject({
      customerId: null,
      status: 'rejected',
      decidedBy: 'ana',
    });
  });
});

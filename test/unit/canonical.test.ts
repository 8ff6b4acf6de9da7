import { describe, expect, it } from 'vitest';
import { sameValue } from '../../shared/domain/canonical.js';

describe('sameValue', () => {
  it('equal maps are equal whatever their key order, at any depth', () => {
    expect(sameValue({ a: 1, b: { c: [1, { d: 'x', e: true }] } }, { b: { c: [1, { e: true, d: 'x' }] }, a: 1 })).toBe(true);
  });
  it('an undefined value equals an absent key, as DynamoDB drops undefined attributes', () => {
    expect(sameValue({ a: 1, b: undefined }, { a: 1 })).toBe(true);
  });
  it('a different value, a missing key, array order or length make them differ', () => {
    expect(sameValue({ a: 1 }, { a: 2 })).toBe(false);
    expect(sameValue({ a: 1, b: 2 }, { a: 1 })).toBe(false);
    expect(sameValue({ a: 1 }, { a: 1, b: null })).toBe(false);
    expect(sameValue([1, 2], [2, 1])).toBe(false);
    expect(sameValue([1], [1, 1])).toBe(false);
    expect(sameValue({ a: [] }, { a: {} })).toBe(false);
    expect(sameValue('1', 1)).toBe(false);
  });
});

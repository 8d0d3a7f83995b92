import { describe, expect, it } from '@jest/globals';
import { numberArray, textArray } from './pg-arrays.js';

describe('PostgreSQL array literals', () => {
  it('writes numbers, and NULL for missing or non-finite ones', () => {
    expect(numberArray([1.5, -2, 1e-7, null, Number.NaN, undefined])).toBe('{1.5,-2,1e-7,NULL,NULL,NULL}');
    expect(numberArray([])).toBe('{}');
  });

  it('quotes every text and escapes quotes and backslashes', () => {
    expect(textArray(['a', 'NULL', 'x,y{}', 'say "hi"', 'back\\slash', null])).toBe(
      '{"a","NULL","x,y{}","say \\"hi\\"","back\\\\slash",NULL}',
    );
  });
});

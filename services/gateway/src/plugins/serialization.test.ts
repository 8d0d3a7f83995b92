// Unit tests of the nullable-scalar rewrite: the same JSON out, without a union where a type list says it.
import { describe, expect, it } from '@jest/globals';
import { Type } from '@sinclair/typebox';
import fastJsonStringify from 'fast-json-stringify';
import { Nullable, Timestamp } from '../views/common.js';
import { withNullableScalars } from './serialization.js';

describe('withNullableScalars', () => {
  it('writes a nullable string, integer or timestamp as a type list, keeping its keywords', () => {
    expect(withNullableScalars(Nullable(Timestamp('when')))).toEqual({
      type: ['string', 'null'],
      format: 'date-time',
      description: 'when',
    });
    expect(withNullableScalars(Type.Union([Type.Null(), Type.Integer()], { description: 'n' }))).toEqual({
      type: ['integer', 'null'],
      description: 'n',
    });
  });

  it('leaves unions of objects, refs, literals and more than two members alone', () => {
    const kept = [
      Nullable(Type.Object({ a: Type.String() })),
      Nullable(Type.Ref('User')),
      Nullable(Type.Literal('x')),
      Type.Union([Type.String(), Type.Integer(), Type.Null()]),
    ];
    for (const schema of kept) expect(withNullableScalars(schema)).toEqual(JSON.parse(JSON.stringify(schema)));
  });

  it('rewrites inside objects and arrays', () => {
    const schema = Type.Object({ items: Type.Array(Type.Object({ at: Nullable(Timestamp()) })) });
    const rewritten = withNullableScalars(schema) as { properties: { items: { items: { properties: unknown } } } };
    expect(rewritten.properties.items.items.properties).toEqual({
      at: { type: ['string', 'null'], format: 'date-time' },
    });
  });

  it('serializes the same JSON as the union did', () => {
    const schema = Type.Object({
      email: Nullable(Type.String()),
      count: Nullable(Type.Integer()),
      at: Nullable(Timestamp()),
      kind: Nullable(Type.Union([Type.Literal('a'), Type.Literal('b')])),
    });
    const before = fastJsonStringify(schema);
    const after = fastJsonStringify(withNullableScalars(schema) as object);
    for (const value of [
      { email: 'a@b.c', count: 3, at: '2030-01-01T00:00:00.000Z', kind: 'a' },
      { email: null, count: null, at: null, kind: null },
      { email: '', count: 0, at: null, kind: 'b' },
    ]) {
      expect(after(value)).toBe(before(value));
      expect(JSON.parse(after(value))).toEqual(value);
    }
  });
});

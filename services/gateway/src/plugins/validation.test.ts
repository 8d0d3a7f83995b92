// Unit tests of the TypeBox validator: no coercion for bodies, coercion for query strings, the field named.
import { describe, expect, it } from '@jest/globals';
import { Type } from '@sinclair/typebox';
import { fieldOf, typeboxValidatorCompiler } from './validation.js';

const Body = Type.Object(
  {
    name: Type.String({ maxLength: 5 }),
    count: Type.Optional(Type.Integer()),
    sites: Type.Optional(Type.Array(Type.Object({ lat: Type.Number() }, { additionalProperties: false }))),
  },
  { additionalProperties: false },
);
const Query = Type.Object({
  limit: Type.Optional(Type.Integer({ default: 50 })),
  active: Type.Optional(Type.Boolean()),
});

type Result = { value?: unknown; error?: { message: string; field?: string; statusCode: number } };
const compile = (schema: typeof Body | typeof Query, httpPart: string) =>
  typeboxValidatorCompiler({ schema, httpPart, method: 'POST', url: '/x' }) as (data: unknown) => Result;

describe('typeboxValidatorCompiler', () => {
  const body = compile(Body, 'body');
  const query = compile(Query, 'querystring');

  it.each<[string, unknown, string | undefined, RegExp]>([
    ['a missing property', {}, 'name', /is required/],
    ['a string where a number belongs', { name: 'a', count: '3' }, 'count', /expected integer/],
    ['an unknown property', { name: 'a', admin: true }, 'admin', /not a known field/],
    ['a string too long', { name: 'abcdef' }, 'name', /at most 5/],
    ['a nested property', { name: 'a', sites: [{ lat: 'x' }] }, 'sites.0.lat', /expected number/],
    ['no body at all', null, undefined, /needs a JSON body/],
    ['an array instead of an object', [], undefined, /expected object/],
  ])('refuses %s in a body, naming the field', (_, data, field, message) => {
    const { error } = body(data);

    expect(error?.statusCode).toBe(400);
    expect(error?.field).toBe(field);
    expect(error?.message).toMatch(message);
  });

  it('leaves a valid body exactly as sent', () => {
    const sent = { name: 'ab', count: 3 };

    expect(body(sent)).toEqual({ value: sent });
  });

  it('converts query strings to the declared types and fills defaults', () => {
    expect(query({ active: 'true' })).toEqual({ value: { limit: 50, active: true } });
    expect(query({ limit: '20' })).toEqual({ value: { limit: 20 } });
    expect(query({ limit: 'twenty' }).error?.field).toBe('limit');
  });

  it('turns JSON pointers into dotted paths', () => {
    expect(fieldOf('/a/0/b~1c')).toBe('a.0.b/c');
    expect(fieldOf('')).toBeUndefined();
  });
});

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

  it('explains a bad value of a nullable field by what the field wants, not by the union', () => {
    const Patch = Type.Object(
      { dueAt: Type.Optional(Type.Union([Type.String({ format: 'date-time' }), Type.Null()])) },
      { additionalProperties: false },
    );
    const patch = compile(Patch as unknown as typeof Body, 'body');

    expect(patch({ dueAt: null })).toEqual({ value: { dueAt: null } });
    expect(patch({ dueAt: 'soon' }).error).toMatchObject({
      field: 'dueAt',
      message: 'dueAt must be a valid date-time',
    });
  });

  it('takes an absent body as the schema default when it has one, and refuses it otherwise', () => {
    const Optional = Type.Object({ note: Type.Optional(Type.String()) }, { additionalProperties: false, default: {} });
    const optional = compile(Optional as unknown as typeof Body, 'body');

    expect(optional(null)).toEqual({ value: {} });
    expect(optional(undefined)).toEqual({ value: {} });
    expect(body(null).error?.message).toMatch(/needs a JSON body/);
  });

  it('uses a schema errorMessage when it has one', () => {
    const Values = Type.Object(
      { v: Type.Union([Type.String(), Type.Number()], { errorMessage: 'must be text or a number' }) },
      { additionalProperties: false },
    );

    expect(compile(Values as unknown as typeof Body, 'body')({ v: [] }).error?.message).toBe(
      'v must be text or a number',
    );
  });

  it('turns JSON pointers into dotted paths', () => {
    expect(fieldOf('/a/0/b~1c')).toBe('a.0.b/c');
    expect(fieldOf('')).toBeUndefined();
  });
});

// Response serialization with fast-json-stringify, given schemas it can serialize without validating.
//
// Our schemas say "string or null" as anyOf [string, null] (TypeBox's union, which the request validator and
// OpenAPI need). fast-json-stringify serializes an anyOf by running Ajv on the value to pick the branch: for every
// nullable field of every response. The same meaning as `type: [string, null]` it writes with one null check.
import { type SerializerFactory, SerializerSelector } from '@fastify/fast-json-stringify-compiler';

type Schema = Record<string | symbol, unknown>;

const SCALARS = new Set(['string', 'number', 'integer', 'boolean']);

const isObject = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);

// Only the JSON keys: TypeBox's symbol keys would still call the merged schema a union.
const plain = (schema: Schema): Schema => Object.fromEntries(Object.keys(schema).map((k) => [k, schema[k]]));

/** `anyOf: [S, {type: null}]` with a plain scalar S, as the one schema `S` whose type also allows null. */
function nullableScalar(schema: Schema): Schema | undefined {
  const anyOf = schema.anyOf;
  if (!Array.isArray(anyOf) || anyOf.length !== 2) return undefined;
  const nullIndex = anyOf.findIndex((s) => isObject(s) && s.type === 'null');
  if (nullIndex === -1) return undefined;
  const other = anyOf[1 - nullIndex];
  // const and enum would refuse the null the merged type allows; leave such schemas as they are.
  if (!isObject(other) || !SCALARS.has(other.type as string) || 'const' in other || 'enum' in other) return undefined;
  const { anyOf: _, ...outer } = plain(schema);
  return { ...plain(other), ...outer, type: [other.type, 'null'] };
}

/** A copy of `schema` with every nullable scalar written as a type list; everything else unchanged. */
export function withNullableScalars(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withNullableScalars);
  if (!isObject(schema)) return schema;
  const merged = nullableScalar(schema);
  if (merged) return merged;
  const copy: Schema = {};
  for (const key of Object.keys(schema)) copy[key] = withNullableScalars(schema[key]);
  return copy;
}

/** fastify's default serializer compiler, fed with rewritten route and shared schemas. */
export function nullableAwareSerializer(): SerializerFactory {
  const base = SerializerSelector();
  return (externalSchemas, options) => {
    const shared = isObject(externalSchemas)
      ? Object.fromEntries(Object.entries(externalSchemas).map(([id, s]) => [id, withNullableScalars(s)]))
      : externalSchemas;
    const compile = base(shared, options);
    return (route) => compile({ ...route, schema: withNullableScalars(route.schema) });
  };
}

// The subset of JSON Schema (draft-07) that charts/fieldline/values.schema.json uses, checked without a library.
// Helm validates the full schema itself; this lets the values be checked where no helm binary is installed.

export type Schema = { [keyword: string]: unknown };

/** Keywords this checker understands; the tests refuse a schema that uses any other, so it cannot pass silently. */
export const KNOWN_KEYWORDS = new Set([
  '$schema',
  'title',
  'description',
  'definitions',
  '$ref',
  'type',
  'properties',
  'required',
  'additionalProperties',
  'propertyNames',
  'enum',
  'minimum',
  'maximum',
  'minLength',
  'pattern',
  'items',
  'oneOf',
]);

/** Every keyword used anywhere in the schema (property names under `properties`/`definitions` excluded). */
export function keywordsOf(schema: Schema, out = new Set<string>()): Set<string> {
  for (const [key, value] of Object.entries(schema)) {
    out.add(key);
    if (key === 'properties' || key === 'definitions') {
      for (const sub of Object.values(value as Record<string, Schema>)) keywordsOf(sub, out);
    } else if (key === 'oneOf') {
      for (const sub of value as Schema[]) keywordsOf(sub, out);
    } else if (['additionalProperties', 'propertyNames', 'items'].includes(key) && isObject(value)) {
      keywordsOf(value as Schema, out);
    }
  }
  return out;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function typeMatches(value: unknown, type: string): boolean {
  switch (type) {
    case 'object':
      return isObject(value);
    case 'array':
      return Array.isArray(value);
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'null':
      return value === null;
    default:
      return typeof value === type;
  }
}

/** Problems of `value` against `schema`, each as "<json pointer>: <what>". Empty when valid. */
export function validateAgainst(value: unknown, schema: Schema, root: Schema = schema, at = ''): string[] {
  if (typeof schema.$ref === 'string') {
    const name = schema.$ref.replace('#/definitions/', '');
    return validateAgainst(value, (root.definitions as Record<string, Schema>)[name], root, at);
  }
  const where = at || '/';
  const errors: string[] = [];
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
    if (!types.some((t) => typeMatches(value, t))) return [`${where}: expected ${types.join(' or ')}`];
  }
  if (schema.enum && !(schema.enum as unknown[]).includes(value))
    errors.push(`${where}: not one of the allowed values`);
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) errors.push(`${where}: below ${schema.minimum}`);
    if (typeof schema.maximum === 'number' && value > schema.maximum) errors.push(`${where}: above ${schema.maximum}`);
  }
  if (typeof value === 'string') {
    if (typeof schema.minLength === 'number' && [...value].length < schema.minLength) {
      errors.push(`${where}: shorter than ${schema.minLength}`);
    }
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value)) {
      errors.push(`${where}: does not match ${schema.pattern}`);
    }
  }
  if (Array.isArray(value) && isObject(schema.items)) {
    value.forEach((item, i) => {
      errors.push(...validateAgainst(item, schema.items as Schema, root, `${at}/${i}`));
    });
  }
  if (isObject(value)) {
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    for (const name of (schema.required ?? []) as string[]) {
      if (!(name in value)) errors.push(`${where}: missing ${name}`);
    }
    for (const [name, item] of Object.entries(value)) {
      const path = `${at}/${name}`;
      if (isObject(schema.propertyNames)) errors.push(...validateAgainst(name, schema.propertyNames, root, path));
      if (properties[name]) errors.push(...validateAgainst(item, properties[name], root, path));
      else if (schema.additionalProperties === false) errors.push(`${path}: not allowed`);
      else if (isObject(schema.additionalProperties)) {
        errors.push(...validateAgainst(item, schema.additionalProperties, root, path));
      }
    }
  }
  if (Array.isArray(schema.oneOf)) {
    const matching = (schema.oneOf as Schema[]).filter((sub) => validateAgainst(value, sub, root, at).length === 0);
    if (matching.length !== 1) errors.push(`${where}: must match exactly one of oneOf, matches ${matching.length}`);
  }
  return errors;
}

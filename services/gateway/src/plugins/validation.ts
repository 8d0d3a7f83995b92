// Request validation with TypeBox's compiler: bodies exactly as sent (no coercion, no stripping), query and path
// parameters converted from strings; the first problem becomes a 400 VALIDATION_FAILED naming the field.
import { FormatRegistry, type TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { type ValueError, ValueErrorType } from '@sinclair/typebox/errors';
import { Value } from '@sinclair/typebox/value';
import type { FastifySchemaCompiler } from 'fastify';
import { ValidationFailed } from '../http/http-error.js';

// Deliberately simple: the accounts service owns the real rules; this only rejects what is plainly not an address.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;
FormatRegistry.Set('email', (v) => EMAIL.test(v));
FormatRegistry.Set('date-time', (v) => DATE_TIME.test(v) && !Number.isNaN(Date.parse(v)));
FormatRegistry.Set('uri', (v) => URL.canParse(v));

/** `/sites/0/name` → `sites.0.name` (JSON pointer escapes undone). */
export function fieldOf(path: string): string | undefined {
  if (path === '' || path === '/') return undefined;
  return path
    .slice(1)
    .split('/')
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'))
    .join('.');
}

function describe(error: ValueError, field: string | undefined): string {
  const name = field ?? 'the body';
  const schema = error.schema as Record<string, unknown>;
  // A schema may say in words what it wants where the generic message would be cryptic (unions of types).
  if (typeof schema.errorMessage === 'string') return `${name} ${schema.errorMessage}`;
  switch (error.type) {
    case ValueErrorType.ObjectRequiredProperty:
      return `${name} is required`;
    case ValueErrorType.ObjectAdditionalProperties:
      return `${name} is not a known field`;
    case ValueErrorType.StringMaxLength:
      return `${name} must have at most ${schema.maxLength} characters`;
    case ValueErrorType.StringMinLength:
      return schema.minLength === 1
        ? `${name} must not be empty`
        : `${name} must have at least ${schema.minLength} characters`;
    case ValueErrorType.ArrayMaxItems:
      return `${name} must have at most ${schema.maxItems} items`;
    case ValueErrorType.StringFormat:
      return `${name} must be a valid ${schema.format}`;
    case ValueErrorType.StringPattern:
      return `${name} has an invalid format`;
    case ValueErrorType.Union:
      return `${name} must be one of: ${unionChoices(schema) ?? 'the documented values'}`;
    default:
      return `${name}: ${error.message.charAt(0).toLowerCase()}${error.message.slice(1)}`;
  }
}

/** For a value that fails `X | null` (a field PATCH may clear), the reason it fails X: more telling than the union's. */
function nullableVariantError(error: ValueError): ValueError | undefined {
  if (error.type !== ValueErrorType.Union || error.value === null) return undefined;
  const anyOf = (error.schema as { anyOf?: Array<Record<string, unknown>> }).anyOf ?? [];
  const variants = anyOf.map((s, i) => ({ s, i })).filter(({ s }) => s.type !== 'null');
  if (anyOf.length !== 2 || variants.length !== 1) return undefined;
  return error.errors[variants[0].i]?.First();
}

function unionChoices(schema: Record<string, unknown>): string | undefined {
  const anyOf = schema.anyOf as Array<Record<string, unknown>> | undefined;
  const consts = anyOf?.map((s) => s.const).filter((c) => c !== undefined);
  return consts && consts.length === anyOf?.length ? consts.join(', ') : undefined;
}

/** The first reason `value` fails `schema`, as the error the client sees. */
export function validationError(error: ValueError, part: string): ValidationFailed {
  const inner = nullableVariantError(error);
  if (inner) return validationError(inner, part);
  const field = fieldOf(error.path);
  if (field === undefined && part === 'body' && (error.value === undefined || error.value === null)) {
    return new ValidationFailed('this request needs a JSON body');
  }
  return new ValidationFailed(describe(error, field), field);
}

export const typeboxValidatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const check = TypeCompiler.Compile(schema);
  // Query strings and paths carry only text: "limit=20" must become 20 there, and nowhere else.
  const convert = httpPart !== 'body';
  // A body schema with a `default` makes the body optional (e.g. `{}` for an action whose fields are all optional).
  const absentBody = !convert && 'default' in schema ? schema.default : undefined;
  return (data: unknown) => {
    const given = data === null || data === undefined ? Value.Clone(absentBody) : data;
    const value = convert ? Value.Convert(schema, Value.Default(schema, Value.Clone(data ?? {}))) : given;
    if (check.Check(value)) return { value };
    const first = check.Errors(value).First();
    return { error: first ? validationError(first, httpPart ?? 'body') : new ValidationFailed('invalid request') };
  };
};

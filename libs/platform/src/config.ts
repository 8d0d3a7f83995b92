// Typed configuration from environment variables, read once; a bad or missing variable stops the
// process before anything starts, naming the variable.

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
  }
}

type Parsed<T> = { value: T } | { error: string };
export type Reader<T> = (source: NodeJS.ProcessEnv, problems: string[]) => T;

function reader<T>(name: string, fallback: T | undefined, parse: (raw: string) => Parsed<T>): Reader<T> {
  return (source, problems) => {
    const raw = source[name];
    if (raw === undefined || raw === '') {
      if (fallback === undefined) problems.push(`${name}: required, not set`);
      return fallback as T;
    }
    const parsed = parse(raw);
    if ('error' in parsed) {
      problems.push(`${name}: ${parsed.error}, got "${raw}"`);
      return fallback as T;
    }
    return parsed.value;
  };
}

const ok = <T>(value: T): Parsed<T> => ({ value });
const bad = <T>(error: string): Parsed<T> => ({ error });

export const env = {
  string: (name: string, fallback?: string): Reader<string> => reader(name, fallback, ok),
  int: (name: string, fallback?: number, min = Number.MIN_SAFE_INTEGER): Reader<number> =>
    reader(name, fallback, (raw) => {
      const n = Number(raw);
      return Number.isInteger(n) && n >= min ? ok(n) : bad(`expected an integer ≥ ${min}`);
    }),
  port: (name: string, fallback?: number): Reader<number> =>
    reader(name, fallback, (raw) => {
      const n = Number(raw);
      return Number.isInteger(n) && n >= 0 && n <= 65535 ? ok(n) : bad('expected a port number (0-65535)');
    }),
  bool: (name: string, fallback?: boolean): Reader<boolean> =>
    reader(name, fallback, (raw) => {
      if (/^(1|true|yes|on)$/i.test(raw)) return ok(true);
      if (/^(0|false|no|off)$/i.test(raw)) return ok(false);
      return bad('expected true or false');
    }),
  url: (name: string, fallback?: string): Reader<string> =>
    reader(name, fallback, (raw) => (URL.canParse(raw) && raw.includes('://') ? ok(raw) : bad('expected a URL'))),
  list: (name: string, fallback?: string[]): Reader<string[]> =>
    reader(name, fallback, (raw) =>
      ok(
        raw
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      ),
    ),
  oneOf: <T extends string>(name: string, values: readonly T[], fallback?: T): Reader<T> =>
    reader(name, fallback, (raw) =>
      values.includes(raw as T) ? ok(raw as T) : bad(`expected one of ${values.join(', ')}`),
    ),
};

export type ConfigOf<S extends Record<string, Reader<unknown>>> = {
  [K in keyof S]: S[K] extends Reader<infer T> ? T : never;
};

/** Reads every variable of the spec; throws one ConfigError listing all the problems. */
export function loadConfig<S extends Record<string, Reader<unknown>>>(
  spec: S,
  source: NodeJS.ProcessEnv = process.env,
): ConfigOf<S> {
  const problems: string[] = [];
  const out: Record<string, unknown> = {};
  for (const [key, read] of Object.entries(spec)) out[key] = read(source, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return out as ConfigOf<S>;
}

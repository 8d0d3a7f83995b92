import { describe, expect, it } from '@jest/globals';
import { ConfigError, env, loadConfig } from './config.js';

describe('loadConfig', () => {
  const spec = {
    port: env.port('FIELDLINE_GRPC_PORT', 50051),
    databaseUrl: env.url('FIELDLINE_DATABASE_URL'),
    verbose: env.bool('FIELDLINE_VERBOSE', false),
    origins: env.list('FIELDLINE_CORS_ORIGINS', []),
    mode: env.oneOf('FIELDLINE_MODE', ['a', 'b'] as const, 'a'),
  };

  it('reads typed values and applies defaults', () => {
    const config = loadConfig(spec, {
      FIELDLINE_DATABASE_URL: 'postgres://x@h:5432/db',
      FIELDLINE_VERBOSE: 'yes',
      FIELDLINE_CORS_ORIGINS: 'https://a.example, https://b.example',
    });

    expect(config).toEqual({
      port: 50051,
      databaseUrl: 'postgres://x@h:5432/db',
      verbose: true,
      origins: ['https://a.example', 'https://b.example'],
      mode: 'a',
    });
  });

  it('names every bad or missing variable at once', () => {
    const read = () =>
      loadConfig(spec, { FIELDLINE_GRPC_PORT: '70000', FIELDLINE_VERBOSE: 'maybe', FIELDLINE_MODE: 'c' });

    expect(read).toThrow(ConfigError);
    try {
      read();
    } catch (err) {
      const problems = (err as ConfigError).problems.join('\n');
      expect(problems).toContain('FIELDLINE_GRPC_PORT: expected a port number (0-65535), got "70000"');
      expect(problems).toContain('FIELDLINE_DATABASE_URL: required, not set');
      expect(problems).toContain('FIELDLINE_VERBOSE: expected true or false, got "maybe"');
      expect(problems).toContain('FIELDLINE_MODE: expected one of a, b, got "c"');
    }
  });

  it('refuses a URL without a scheme', () => {
    expect(() => loadConfig(spec, { FIELDLINE_DATABASE_URL: 'postgress//x' })).toThrow(
      'FIELDLINE_DATABASE_URL: expected a URL, got "postgress//x"',
    );
  });
});

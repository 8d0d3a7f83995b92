// One jest project per workspace; TypeScript through @swc/jest, ESM, @fieldline/* libs from source.
import { existsSync, readdirSync } from 'node:fs';

const swc = [
  '@swc/jest',
  {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022', keepClassNames: true },
    module: { type: 'es6' },
    sourceMaps: 'inline',
  },
];

const libs = readdirSync('libs').filter((d) => existsSync(`libs/${d}/src/index.ts`));
const moduleNameMapper = {
  ...Object.fromEntries(libs.map((d) => [`^@fieldline/${d}$`, `${process.cwd()}/libs/${d}/src/index.ts`])),
  '^(\\.{1,2}/.*)\\.js$': '$1',
};

const workspaces = [
  ...libs.map((d) => `libs/${d}`),
  ...readdirSync('services').map((d) => `services/${d}`),
  'tests',
].filter((d) => existsSync(d));

export default {
  projects: workspaces.map((dir) => ({
    displayName: dir,
    rootDir: dir,
    testEnvironment: 'node',
    extensionsToTreatAsEsm: ['.ts'],
    transform: { '^.+\\.(t|j)s$': swc },
    // These packages ship ESM only; swc transforms them so jest's ESM mode can load them.
    transformIgnorePatterns: ['/node_modules/(?!(cookie|content-disposition)/)'],
    moduleNameMapper,
    testMatch: ['<rootDir>/**/*.test.ts'],
    testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  })),
  testTimeout: 60_000,
  // Two worker processes, recycled when they grow: ESM test modules are never freed, so one long-lived
  // process (jest's choice on 2 cores) slows down with every file as its heap fills.
  maxWorkers: 2,
  workerIdleMemoryLimit: '1GB',
};

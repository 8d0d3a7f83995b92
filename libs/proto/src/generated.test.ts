import { execFileSync } from 'node:child_process';
import { describe, expect, it } from '@jest/globals';

describe('generated protobuf code', () => {
  it('matches what proto/ generates now (run `npm run proto` and commit when this fails)', () => {
    const repo = new URL('../../..', import.meta.url).pathname;

    const output = execFileSync('node', ['tools/proto-check.mjs'], { cwd: repo, encoding: 'utf8' });

    expect(output).toContain('generated proto code is current');
  });
});

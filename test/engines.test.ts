import { readFileSync } from 'node:fs';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

const read = (file: string) => JSON.parse(readFileSync(new URL(`../${file}`, import.meta.url), 'utf8'));

describe('the Node version package.json declares', () => {
  it('is one every installed package accepts, so npm ci on the oldest Node it allows warns of none', () => {
    const lowest = semver.minVersion(read('package.json').engines.node);
    expect(lowest).not.toBeNull();
    const packages = read('package-lock.json').packages as Record<string, { version?: string; engines?: unknown }>;
    const refusing = Object.entries(packages)
      .filter(([path, p]) => path !== '' && typeof (p.engines as { node?: unknown } | undefined)?.node === 'string')
      .filter(([, p]) => !semver.satisfies(lowest ?? '0.0.0', (p.engines as { node: string }).node))
      .map(
        ([path, p]) => `${path.replace(/^.*node_modules\//, '')}@${p.version}: ${(p.engines as { node: string }).node}`,
      );
    expect(refusing).toEqual([]);
  });
});

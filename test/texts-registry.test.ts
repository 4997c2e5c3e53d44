import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasMessage } from '../src/i18n/catalog.js';

const SRC = 'src';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

const files = sourceFiles(SRC);
/** A module that only registers texts: `texts.ts`, or `something-texts.ts`. */
const isTextsModule = (path: string) => /(^|[/-])texts\.ts$/.test(path) && path !== join(SRC, 'texts.ts');
const bareImports = (path: string) =>
  [...readFileSync(path, 'utf8').matchAll(/^import '(\.[^']+)';$/gm)].map((m) =>
    relative('.', join(path, '..', (m[1] as string).replace(/\.js$/, '.ts'))),
  );

describe('the message texts', () => {
  it('are all registered by src/texts.ts, and by nothing else through a bare import', () => {
    const registered = bareImports(join(SRC, 'texts.ts'));
    expect(registered.sort()).toEqual(files.filter(isTextsModule).sort());
    const elsewhere = files
      .filter((path) => path !== join(SRC, 'texts.ts'))
      .flatMap((path) =>
        bareImports(path)
          .filter(isTextsModule)
          .map((texts) => `${path} → ${texts}`),
      );
    expect(elsewhere).toEqual([]);
  });

  it('hold every key the code asks for by name, once the service and its web server are wired', async () => {
    await import('../src/app.js');
    await import('../src/web/server.js');
    const asked = files.flatMap((path) =>
      [...readFileSync(path, 'utf8').matchAll(/\btr?\(\s*(?:[\w.]+,\s*)?'([a-z_]+(?:\.[a-z0-9_]+)+)'/g)].map(
        (m) => `${path}: ${m[1]}`,
      ),
    );
    expect(asked.length).toBeGreaterThan(200);
    expect(asked.filter((entry) => !hasMessage('id', entry.split(': ')[1] as string))).toEqual([]);
  });
});

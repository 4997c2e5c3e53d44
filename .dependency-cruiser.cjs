/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A loop of imports: the modules cannot be understood, tested or moved one at a time.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'through-the-public-face',
      severity: 'error',
      comment:
        'Every folder of src has a public face (its index.ts) and is imported through it, so its insides ' +
        'can change without touching its users.',
      from: { path: '^src/([^/]+)/' },
      to: {
        path: '^src/[^/]+/',
        // src/texts.ts registers every folder's texts at start-up; a texts module is no one's inside.
        pathNot: ['^src/$1/', '^src/[^/]+/index[.]ts$', '^src/.+[-/]texts[.]ts$'],
      },
    },
    {
      name: 'through-the-public-face-from-the-top',
      severity: 'error',
      comment: 'The same for the files at the top of src (app.ts, main.ts).',
      from: { path: '^src/[^/]+[.]ts$' },
      to: {
        path: '^src/[^/]+/',
        pathNot: ['^src/[^/]+/index[.]ts$', '^src/.+[-/]texts[.]ts$'],
      },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};

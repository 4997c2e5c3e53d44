import { run } from './run.js';

/** `npm run siput -- <command>` and `npx siput <command>` (through bin/siput.js) start here. */
process.exitCode = await run(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });

import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventually } from './app.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface ServiceProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly base: string;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** Its exit code (null when a signal ended it), once it exits. */
  readonly exited: Promise<number | null>;
  /** Answers once /healthz says 200. */
  healthy(ms?: number): Promise<void>;
}

export interface SpawnOptions {
  /**
   * Run `npm start` itself, in a process group of its own (signal the group with
   * `process.kill(-child.pid, …)`, as systemd does); default: node on src/main.ts directly.
   */
  readonly npm?: boolean;
}

/** The service as `npm start` runs it (src/main.ts under tsx), in a child process of the test's own. */
export function spawnService(port: number, env: Record<string, string>, opts: SpawnOptions = {}): ServiceProcess {
  const [command, args] = opts.npm
    ? ['npm', ['start', '--silent']]
    : [process.execPath, ['--import', 'tsx', 'src/main.ts']];
  const child = spawn(command, args, {
    cwd: root,
    detached: opts.npm ?? false,
    env: {
      PATH: process.env.PATH ?? '',
      PORT: String(port),
      DATA_DIR: mkdtempSync(join(tmpdir(), 'siput-proc-')),
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const base = `http://127.0.0.1:${port}`;
  return {
    child,
    base,
    output: () => output,
    exited,
    async healthy(ms = 60_000) {
      await eventually(
        'the service to answer /healthz',
        async () => {
          if (child.exitCode !== null) throw new Error(`the service exited ${child.exitCode}:\n${output.slice(-3000)}`);
          return (await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2000) }).catch(() => null))?.ok;
        },
        ms,
      ).catch((err: Error) => {
        throw new Error(`${err.message}; its output:\n${output.slice(-3000)}`);
      });
    },
  };
}

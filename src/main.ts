import './texts.js';
import { type App, startApp } from './app.js';
import { channelAdapters } from './bots/index.js';
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './log.js';
import { readyLine, startWeb, type WebServer } from './web/index.js';

/**
 * Entry point: `npm start`. ROLE=web|worker|bot runs one part; the default runs them all.
 * SIGTERM or SIGINT drains (no new work, jobs in hand finished, connections closed) and exits 0;
 * a signal that arrives during start-up drains as soon as start-up is done. systemd sends SIGTERM
 * to the whole process group, and npm exec's node (package.json), so no shell wrapper dies of the
 * signal and turns the clean exit into 143.
 */
async function main(): Promise<void> {
  let stop: ((signal: string) => Promise<void>) | undefined;
  let asked: string | undefined;
  const onSignal = (signal: string) => {
    if (asked) return;
    asked = signal;
    void stop?.(signal);
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));

  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const log = createLogger(config);
  let app: App;
  try {
    app = await startApp(config, log, { adapters: await channelAdapters(config, log) });
  } catch (err) {
    log.fatal({ err: (err as Error).message }, 'start-up failed');
    console.error((err as Error).message);
    process.exit(1);
  }
  // A worker or bot process serves no HTTP: this line is what says it is up.
  log.info({ role: config.ROLE, pid: process.pid }, 'started');
  let web: WebServer | undefined;
  if (config.ROLE === 'all' || config.ROLE === 'web') {
    web = await startWeb(app);
    // Plain text, not JSON: the one line a person starting the service for the first time reads.
    console.log(await readyLine(app));
  }

  stop = async (signal: string) => {
    log.info({ signal }, 'draining: finishing jobs in hand, then stopping');
    try {
      await web?.close();
      await app.close();
    } catch (err) {
      log.error({ err: (err as Error).message }, 'drain failed');
      process.exit(1);
    }
    log.info('drained');
    process.exit(0);
  };
  if (asked) await stop(asked);
}

await main();

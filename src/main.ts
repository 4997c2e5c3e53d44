import { type App, startApp } from './app.js';
import { channelAdapters } from './bots/index.js';
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './log.js';
import { startWeb, type WebServer } from './web/server.js';

/** Entry point: `npm start`. ROLE=web|worker|bot runs one part; the default runs them all. */
async function main(): Promise<void> {
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
  let web: WebServer | undefined;
  if (config.ROLE === 'all' || config.ROLE === 'web') web = await startWeb(app);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'draining: finishing jobs in hand, then stopping');
    await web?.close();
    await app.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

await main();

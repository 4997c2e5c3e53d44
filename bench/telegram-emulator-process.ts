/**
 * The Bot API emulator in a process of its own, for the outbound figure: the arrival times it
 * records are then not held up by the service's busy event loop, as Telegram's are not. It says
 * where it listens on the IPC channel, then answers "report" and "close".
 */
import { TelegramEmulator } from '../test/support/telegram-emulator.js';

const emulator = await TelegramEmulator.start();
emulator.sendsPerSecondCap = Number(process.env.TELEGRAM_EMULATOR_CAP ?? '30');
process.send?.({ apiRoot: emulator.apiRoot, token: emulator.token });
process.on('message', (message) => {
  if (message === 'report') {
    process.send?.({
      arrivals: emulator.callsOf('sendMessage').map((c) => ({ at: c.at, status: c.status })),
      rateLimited: emulator.rateLimited,
    });
  }
  if (message === 'close') void emulator.close().then(() => process.exit(0));
});

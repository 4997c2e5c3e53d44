import type { Telegram } from 'telegraf';
import { type Language, t } from '../../i18n/index.js';
import { callApi } from './api.js';

const TIMEOUT_MS = 15_000;

/** The commands the flows understand (src/flows/commands.ts), in the order Telegram's menu shows them. */
const COMMANDS = ['start', 'menu', 'status', 'dokumen', 'tugas', 'batal', 'bahasa'] as const;

export const botCommands = (language: Language) =>
  COMMANDS.map((command) => ({ command, description: t(language, `telegram.command.${command}`) }));

/**
 * The command menu in Bahasa Indonesia for everyone, and in English for apps set to English.
 * The command names stay the same in both, so a guide written for one works in the other.
 */
export async function registerCommands(telegram: Telegram): Promise<void> {
  await callApi(telegram, 'setMyCommands', { commands: botCommands('id') }, TIMEOUT_MS);
  await callApi(telegram, 'setMyCommands', { commands: botCommands('en'), language_code: 'en' }, TIMEOUT_MS);
}

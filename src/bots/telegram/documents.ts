import { and, eq } from 'drizzle-orm';
import type { Telegram } from 'telegraf';
import type { InlineKeyboardMarkup } from 'telegraf/types';
import type { Db } from '../../db/index.js';
import { channelFileCache } from '../../db/index.js';
import { type DocumentStore, downloadName } from '../../files/index.js';
import type { Logger } from '../../log.js';
import { callApi } from './api.js';
import { describeFailure, isTelegramError } from './errors.js';
import { TELEGRAM } from './health.js';

/** Telegram's limit on a caption; a longer text goes in its own message before the file. */
const CAPTION_MAX = 1024;
const UPLOAD_TIMEOUT_MS = 120_000;
const SEND_TIMEOUT_MS = 30_000;

/**
 * The document id in a download link the flows made (`…/unduh/<id>?e=…&s=…`, see DownloadLinks);
 * null for any other URL.
 */
export function documentIdOf(url: string): string | null {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return null;
  }
  const match = /\/unduh\/([^/]+)$/.exec(path);
  return match?.[1] ? decodeURIComponent(match[1]) : null;
}

export interface DocumentSenderDeps {
  readonly telegram: Telegram;
  readonly db: Db;
  readonly documents: DocumentStore;
  readonly log: Logger;
}

export interface DocumentMessage {
  readonly chatId: string;
  /** The flows' text, which already carries the download link. */
  readonly text: string;
  readonly markup: InlineKeyboardMarkup | undefined;
  readonly url: string;
}

/**
 * Sends a published document as a file: uploaded from the document store the first time, then by
 * the file_id Telegram gave back (channel_file_cache), so a popular SOP is uploaded once. When the
 * file cannot go (unknown or unpublished document, Telegram refusing it) the text with its link is
 * sent alone: the person still gets the document.
 */
export class DocumentSender {
  constructor(private readonly deps: DocumentSenderDeps) {}

  async send(message: DocumentMessage): Promise<void> {
    const { chatId, text, markup } = message;
    const documentId = documentIdOf(message.url);
    if (!documentId) return this.#text(chatId, text, markup);
    const caption = text.length <= CAPTION_MAX;
    if (!caption) await this.#text(chatId, text, markup);
    const extra = caption ? { caption: text, ...(markup ? { reply_markup: markup } : {}) } : {};

    const cached = await this.#cached(documentId);
    if (cached) {
      try {
        await callApi(
          this.deps.telegram,
          'sendDocument',
          { chat_id: chatId, document: cached, ...extra },
          SEND_TIMEOUT_MS,
        );
        return;
      } catch (err) {
        if (!isTelegramError(err, 400)) throw err;
        // A file_id stops working when Telegram forgets it or the bot changed: upload again.
        this.deps.log.info({ documentId, err: describeFailure(err) }, 'cached telegram file refused; uploading');
        await this.#forget(documentId);
      }
    }

    const opened = await this.deps.documents.open(documentId);
    if (!opened?.meta.published) {
      opened?.stream.destroy();
      if (caption) await this.#text(chatId, text, markup);
      return;
    }
    try {
      const sent = await callApi(
        this.deps.telegram,
        'sendDocument',
        { chat_id: chatId, document: { source: opened.stream, filename: downloadName(opened.meta) }, ...extra },
        UPLOAD_TIMEOUT_MS,
      );
      if ('document' in sent) await this.#remember(documentId, sent.document.file_id);
    } catch (err) {
      opened.stream.destroy();
      // 400 (a file it will not take) and 413 (too large) will not change; anything else is retried.
      if (!isTelegramError(err, 400) && !isTelegramError(err, 413)) throw err;
      this.deps.log.warn({ documentId, err: describeFailure(err) }, 'telegram refused the file; sending the link');
      if (caption) await this.#text(chatId, text, markup);
    }
  }

  async #text(chatId: string, text: string, markup: InlineKeyboardMarkup | undefined): Promise<void> {
    await callApi(
      this.deps.telegram,
      'sendMessage',
      {
        chat_id: chatId,
        text,
        link_preview_options: { is_disabled: true },
        ...(markup ? { reply_markup: markup } : {}),
      },
      SEND_TIMEOUT_MS,
    );
  }

  async #cached(documentId: string): Promise<string | undefined> {
    const [row] = await this.deps.db
      .select({ fileRef: channelFileCache.fileRef })
      .from(channelFileCache)
      .where(and(eq(channelFileCache.channel, TELEGRAM), eq(channelFileCache.documentId, documentId)));
    return row?.fileRef;
  }

  async #remember(documentId: string, fileRef: string): Promise<void> {
    const values = { fileRef, updatedAt: new Date() };
    await this.deps.db
      .insert(channelFileCache)
      .values({ channel: TELEGRAM, documentId, ...values })
      .onConflictDoUpdate({ target: [channelFileCache.channel, channelFileCache.documentId], set: values });
  }

  async #forget(documentId: string): Promise<void> {
    await this.deps.db
      .delete(channelFileCache)
      .where(and(eq(channelFileCache.channel, TELEGRAM), eq(channelFileCache.documentId, documentId)));
  }
}

/** A message from a person, as every channel adapter hands it to the flows. */
export interface Inbound {
  /** Channel name: web, telegram, whatsapp. */
  readonly channel: string;
  /** The chat the message came from; replies go back to it. */
  readonly address: string;
  /**
   * The channel's id for this delivery (Telegram update_id, WhatsApp message key, the web
   * client's message id). The same key is processed once, however often it is delivered.
   */
  readonly key: string;
  readonly text?: string;
  /** The value of a button or menu item the person chose (see choice tokens). */
  readonly choice?: string;
  /** A file the adapter already stored (see AttachmentStore). */
  readonly attachment?: { readonly id: string; readonly name: string; readonly mime: string };
  /** Language the person's app reports, used until they choose one. */
  readonly languageHint?: string;
}

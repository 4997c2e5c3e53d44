/** A message from a person, as every channel adapter hands it to the flows. */
export interface Inbound {
  /** Channel name: web, telegram, whatsapp. */
  readonly channel: string;
  /** Who wrote: the conversation, the person's link and, unless `replyTo` says otherwise, where replies go. */
  readonly address: string;
  /**
   * Where the replies go when it is not `address`: a Telegram group the person wrote in. The person
   * is still `address`, so in a group an official acts as themselves, not as the group.
   */
  readonly replyTo?: string;
  /**
   * The channel's id for this delivery (Telegram update_id, WhatsApp message key, the web
   * client's message id within its chat). The same key is processed once, however often it is delivered.
   */
  readonly key: string;
  readonly text?: string;
  /** The value of a button or menu item the person chose (see choice tokens). */
  readonly choice?: string;
  /** A file the adapter already stored (see AttachmentStore). */
  readonly attachment?: { readonly id: string; readonly name: string; readonly mime: string };
  /**
   * The person opened the chat (the web page's first view): the service greets them with its menu
   * before they type anything. Carries no text, choice or file.
   */
  readonly opening?: boolean;
  /** Language the person's app reports, used until they choose one. */
  readonly languageHint?: string;
}

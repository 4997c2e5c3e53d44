/** A message ready for one chat, rendered in the recipient's language. */
export interface OutgoingMessage {
  /** The outbox row id; channels may use it to make a send idempotent. */
  readonly id: string;
  readonly address: string;
  readonly text: string;
  /** Shown as buttons or a numbered menu; `value` is what comes back when one is chosen. */
  readonly choices: readonly { readonly value: string; readonly label: string }[];
  readonly document?: { readonly url: string; readonly name: string };
  /** Only for email: the subject, the HTML body (text is the plain one) and the stop-emails link. */
  readonly mail?: { readonly subject: string; readonly html: string; readonly unsubscribeUrl: string | null };
}

export interface ChannelLimits {
  /** Messages per second over the whole channel (Telegram: about 30). */
  readonly perSecond: number;
  /** Minimum gap between two messages to the same chat (Telegram: 1 s). */
  readonly perChatIntervalMs: number;
  /**
   * Its sends may wait while this process fires a deadline burst (see TimerRush): nobody is
   * looking at a chat on it for an answer (email, the log). Default false: the web chat's and the
   * chat platforms' replies go out at once.
   */
  readonly yieldsToTimers?: boolean;
  /**
   * Its send is quick and needs nothing outside this process's reach (the log, the web chat): the
   * process that commits a message sends it at once instead of queuing a job for it (see
   * InstantSender). Default false: a platform with its own pace and errors gets a job each.
   */
  readonly sendsAtOnce?: boolean;
}

/** A way of reaching people. Adapters carry messages; they never decide anything. */
export interface Channel {
  readonly name: string;
  readonly limits: ChannelLimits;
  /** Resolves when the channel accepted the message; throws a ChannelError otherwise. */
  send(message: OutgoingMessage): Promise<void>;
  /**
   * Whether the person at `address` sees what was sent now (the web chat: a page is open). A channel
   * without it always reaches; one that does not is backed up by email for case updates.
   */
  reaches?(address: string): Promise<boolean>;
}

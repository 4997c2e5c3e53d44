import type { ChannelAdapter, ChannelHost } from '../bots/index.js';
import type { EmailFallback, JobQueues } from '../jobs/index.js';
import type { Channel } from '../outbox/index.js';
import type { ConsoleDeps } from './admin/console-deps.js';
import type { DownloadLinks } from './download-links.js';

/**
 * What the web server uses of the running service: the console's part, what a chat platform's
 * routes are given (ChannelHost), the platforms themselves and the document links. app.ts hands its
 * App, which has all of it; nothing in src/web imports app.ts.
 */
export interface WebDeps extends ConsoleDeps, ChannelHost {
  readonly queues: JobQueues;
  readonly channels: ReadonlyMap<string, Channel>;
  readonly emailFallback: EmailFallback;
  readonly downloadLinks: DownloadLinks;
  /** Chat platforms whose webhooks the server mounts (Telegram). */
  readonly adapters: readonly ChannelAdapter[];
}

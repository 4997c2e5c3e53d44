import type { Redis } from 'ioredis';
import type { CaseService, SopRegistry, UnitCalendars } from '../../cases/index.js';
import type { Config } from '../../config.js';
import type { Database } from '../../db/index.js';
import type { DocumentStore } from '../../files/index.js';
import type { EmailFallback, JobQueues, SopWatch } from '../../jobs/index.js';
import type { DroppedMessages } from '../../limits/index.js';
import type { AttachmentLinks } from '../../links/index.js';
import type { Logger } from '../../log.js';
import type { Signer } from '../../signing.js';
import type { SurveyQuestions } from '../../survey/index.js';

/**
 * What the console's sections use of the running service, and nothing more: app.ts hands its App,
 * which has all of it, and the console never imports app.ts.
 */
export interface ConsoleDeps {
  readonly config: Config;
  readonly log: Logger;
  readonly database: Database;
  readonly sops: SopRegistry;
  /** Tells every process that an SOP version was activated. */
  readonly sopWatch: Pick<SopWatch, 'announce'>;
  readonly signer: Signer;
  readonly documents: DocumentStore;
  readonly attachmentLinks: AttachmentLinks;
  readonly cases: CaseService;
  /** The console invalidates a unit's calendar after changing its hours or zone. */
  readonly calendars: UnitCalendars;
  /** Sending again what the admins retry; the queue board reads every queue. */
  readonly queues: Pick<JobQueues, 'resendMessage' | 'outbox' | 'allQueues'>;
  /** The channels configured, by name (Antrian & kanal lists them). */
  readonly channels: Pick<ReadonlyMap<string, unknown>, 'has' | 'keys'>;
  readonly connection: Redis;
  /** Redis key prefix of the queues and of the web chat's pub/sub topics. */
  readonly prefix: string;
  readonly emailFallback: Pick<EmailFallback, 'enabled'>;
  readonly survey: SurveyQuestions;
  /** Messages the sender limit dropped, per sender. */
  readonly droppedMessages: Pick<DroppedMessages, 'lastDay'>;
}

import type { Db, SendLater, Tx } from '../db/index.js';
import {
  type ClaimedConversation,
  claimedFrom,
  claimStatement,
  GroupCommit,
  type NewMessage,
  saveStatement,
} from '../db/index.js';
import { isLanguage, t } from '../i18n/index.js';
import type { Logger } from '../log.js';
import { routeCommand } from './commands.js';
import type { Choice, Flow, FlowContext, FlowDeps, Reply, StepInput } from './context.js';
import type { Inbound } from './inbound.js';
import { personFrom } from './person.js';

/** Where committed replies are handed for sending: the outbox queues, seen from the flows. */
export interface ReplyQueue {
  addMessage(messageId: string, channel: string): Promise<void>;
}

export interface FlowRuntimeDeps extends FlowDeps {
  readonly db: Db;
  readonly replies: ReplyQueue;
  readonly log: Logger;
  readonly flows: Readonly<Record<string, Flow>>;
  /** Moves the clock in tests; defaults to the wall clock. */
  readonly now?: () => Date;
}

/** Reserved key in the conversation data: the choices last offered, so "2" or a label picks one. */
const OFFERED = '_offered';

/**
 * Runs conversations. Each inbound message is handled in one transaction (shared with the messages
 * that arrived beside it, see GroupCommit): it is recorded (a redelivered one is a no-op), the
 * conversation row is locked and moved on, case operations run, and the replies are written to
 * the outbox; jobs are queued after the commit. A crash at any
 * point leaves either all of it or none of it, and the channel's redelivery finishes the work.
 */
export class FlowRuntime {
  readonly #commits: GroupCommit;

  constructor(private readonly deps: FlowRuntimeDeps) {
    this.#commits = new GroupCommit(deps.db);
  }

  async handle(raw: Inbound): Promise<{ duplicate: boolean }> {
    const inbound = clean(raw);
    const now = this.deps.now?.() ?? new Date();
    // Messages handled side by side (a polled batch's chats) share a transaction; all is read again
    // inside, since a failed group runs each message again alone.
    // The claim goes with the group's BEGIN and the save with its COMMIT, not waited for apart.
    const hint = inbound.languageHint?.slice(0, 2).toLowerCase();
    const done = await this.#commits.run({
      opening: {
        key: `${inbound.channel}:${inbound.address}`,
        statement: claimStatement(inbound, hint === 'en' ? 'en' : 'id'),
      },
      work: async (tx, opened, later) => {
        const claimed = claimedFrom(opened);
        if (!claimed) return null;

        const ctx = this.#context(tx, later, inbound, now, claimed);
        await this.#route(ctx, claimed.started);
        const save = saveStatement(
          inbound,
          { language: ctx.language, ...ctx.state },
          { address: inbound.replyTo ?? inbound.address, list: ctx.replies.map(replyMessage) },
        );
        await later(save.statement);
        return { queued: save.queued, scheduled: ctx.scheduled };
      },
    });
    if (!done) return { duplicate: true };
    for (const s of done.scheduled) await this.deps.cases.schedule(s.saved, s.caseId);
    try {
      await Promise.all(done.queued.map((m) => this.deps.replies.addMessage(m.id, m.channel)));
    } catch (err) {
      this.deps.log.warn({ err: (err as Error).message }, 'queuing replies failed; left to the reconciler');
    }
    return { duplicate: false };
  }

  async #route(ctx: FlowContext, started: boolean): Promise<void> {
    const { inbound } = ctx;
    const text = inbound.text?.trim() || null;
    if (await routeCommand(ctx, text, inbound.choice ?? null)) return;
    // Whatever a first message says ("halo", "permisi"), it is answered with the welcome menu.
    if (started || inbound.opening) return ctx.go('menu');
    const offered = (ctx.state.data[OFFERED] as Choice[] | undefined) ?? [];
    const input: StepInput = {
      text,
      choice: inbound.choice ?? pickOffered(offered, text),
      attachment: inbound.attachment ?? null,
    };
    const step = this.deps.flows[ctx.state.flow]?.[ctx.state.step];
    if (!step) {
      // A flow renamed in a new release: start over rather than fail the person.
      await ctx.go('menu');
      return;
    }
    await step.handle(ctx, input);
  }

  #context(tx: Tx, later: SendLater, inbound: Inbound, now: Date, claimed: ClaimedConversation): FlowContext {
    const { conversation } = claimed;
    const flows = this.deps.flows;
    const ctx: FlowContext = {
      tx,
      later,
      deps: this.deps,
      inbound,
      now,
      language: isLanguage(conversation.language) ? conversation.language : 'id',
      person: personFrom(claimed.owner),
      units: claimed.units,
      state: { flow: conversation.flow, step: conversation.step, data: conversation.data },
      replies: [],
      scheduled: [],
      t: (key, params) => t(ctx.language, key, params),
      say(key, params, choices = []) {
        ctx.replies.push({ text: ctx.t(key, params), choices });
        if (choices.length > 0) ctx.state.data[OFFERED] = choices;
      },
      async go(flow, step = 'start', data = {}) {
        const target = flows[flow]?.[step];
        if (!target) throw new Error(`no flow step ${flow}.${step}`);
        ctx.state = { flow, step, data: { ...data } };
        await target.prompt(ctx);
      },
    };
    return ctx;
  }
}

/** A reply as the outbox keeps it. */
function replyMessage(reply: Reply): NewMessage {
  return {
    caseId: null,
    instanceId: null,
    template: 'flow.text',
    params: {
      text: reply.text,
      ...(reply.document ? { documentUrl: reply.document.url, documentName: reply.document.name } : {}),
    },
    choices: reply.choices.map((c) => ({ action: c.value, label: { id: c.label } })),
  };
}

/**
 * Text as Postgres stores it: no NUL characters (refused by UTF-8 columns), no lone surrogates
 * (a phone's broken emoji), other control characters dropped but line breaks and tabs kept.
 */
export function cleanText(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is what it is for
  return text.toWellFormed().replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '');
}

function clean(inbound: Inbound): Inbound {
  return {
    ...inbound,
    key: cleanText(inbound.key),
    ...(inbound.text !== undefined ? { text: cleanText(inbound.text) } : {}),
    ...(inbound.choice !== undefined ? { choice: cleanText(inbound.choice) } : {}),
  };
}

/** "2" picks the second choice offered; a label typed out picks that choice. */
function pickOffered(offered: readonly Choice[], text: string | null): string | null {
  if (!text) return null;
  const n = Number(text);
  if (Number.isInteger(n) && n >= 1 && n <= offered.length) return offered[n - 1]?.value ?? null;
  const lower = text.toLowerCase();
  return offered.find((c) => c.label.toLowerCase() === lower)?.value ?? null;
}

import type { CaseService, SavedTransition, SopRegistry } from '../cases/index.js';
import type { SendLater, Tx, UnitMenuSetting } from '../db/index.js';
import type { Language } from '../i18n/index.js';
import type { AttachmentLinks } from '../links/index.js';
import type { Signer } from '../signing.js';
import type { SurveyQuestions } from '../survey/index.js';
import type { Inbound } from './inbound.js';

export interface Choice {
  readonly value: string;
  readonly label: string;
}

export interface Reply {
  readonly text: string;
  readonly choices: readonly Choice[];
  readonly document?: { readonly url: string; readonly name: string };
}

/** Who is writing: nobody known yet, a stakeholder who gave their identity, or a linked official. */
export type Person =
  | { readonly kind: 'stakeholder'; readonly id: string; readonly name: string; readonly contact: string }
  | { readonly kind: 'official'; readonly id: string; readonly name: string };

/** Published documents as the flows see them; the web part stores the files and signs the links. */
export interface DocumentCatalog {
  search(tx: Tx, query: string | null, limit: number): Promise<DocumentSummary[]>;
  get(tx: Tx, id: string): Promise<DocumentSummary | null>;
  /** Writes the buku tamu row. */
  recordDownload(tx: Tx, documentId: string, stakeholderId: string | null, channel: string): Promise<void>;
  downloadUrl(documentId: string): { url: string; validHours: number };
}

export interface DocumentSummary {
  readonly id: string;
  readonly number: string;
  readonly title: string;
  readonly revision: number;
  readonly synopsis: string;
  readonly fileName: string;
}

export interface FlowDeps {
  readonly cases: CaseService;
  readonly sops: SopRegistry;
  readonly signer: Signer;
  readonly documents: DocumentCatalog;
  /** Signs the links an official opens a case's files with. */
  readonly attachmentLinks: AttachmentLinks;
  readonly complaintSop: string;
  readonly defaultUnit: string;
  /** Time zone for dates shown to stakeholders. */
  readonly defaultZone: string;
  /** Where people reach the service (PUBLIC_URL): links sent in a chat start with it. */
  readonly publicUrl: string;
  /** The SKM questionnaire as each unit words it (SKM_FILE); default the shipped one. */
  readonly survey?: SurveyQuestions;
}

export interface ConversationState {
  flow: string;
  step: string;
  data: Record<string, unknown>;
}

/** One inbound message being handled, inside one transaction. */
export interface FlowContext {
  readonly tx: Tx;
  /** Sends a write that nobody reads before the COMMIT with it (see SendLater). */
  readonly later: SendLater;
  readonly deps: FlowDeps;
  readonly inbound: Inbound;
  readonly now: Date;
  language: Language;
  person: Person | null;
  /** Every unit's chat menu setting, read with the message's claim. */
  readonly units: readonly UnitMenuSetting[];
  state: ConversationState;
  readonly replies: Reply[];
  /** Case transitions (and messages released to a newly linked chat) to queue after the commit. */
  readonly scheduled: Array<{ saved: SavedTransition; caseId: string | null }>;
  /** Text in the conversation's language. */
  t(key: string, params?: Readonly<Record<string, string>>): string;
  say(key: string, params?: Readonly<Record<string, string>>, choices?: readonly Choice[]): void;
  /** Moves to a flow's step (default "start") with fresh data, and asks its question. */
  go(flow: string, step?: string, data?: Record<string, unknown>): Promise<void>;
}

/** What a person answered: text they typed, a choice they made, or a file they sent. */
export interface StepInput {
  readonly text: string | null;
  readonly choice: string | null;
  readonly attachment: Inbound['attachment'] | null;
}

export interface FlowStep {
  /** Asks the question of this step. */
  prompt(ctx: FlowContext): Promise<void>;
  /** Handles the answer: moves on with `go`, or says a hint and stays. */
  handle(ctx: FlowContext, input: StepInput): Promise<void>;
}

export type Flow = Readonly<Record<string, FlowStep>>;

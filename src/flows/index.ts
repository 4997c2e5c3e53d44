import { complaintFlow } from './complaint.js';
import { confirmFlow } from './confirm.js';
import type { Flow } from './context.js';
import { documentsFlow } from './documents.js';
import { identityFlow } from './identity.js';
import { menuFlow } from './menu.js';
import { actFlow, tasksFlow } from './official.js';
import { openCaseFlow } from './open-case.js';
import { answerReporterFlow, askReporterFlow } from './reporter-wait.js';
import { statusFlow } from './status.js';
import { surveyFlow } from './survey.js';

export type { DocumentCatalog, DocumentSummary, FlowDeps } from './context.js';
export type { Inbound } from './inbound.js';
export { FlowRuntime } from './runtime.js';
export { type Sender, SenderLimit, senderLogRef } from './sender-limit.js';

/** Every conversation the service holds, by name. */
export const FLOWS: Readonly<Record<string, Flow>> = {
  menu: menuFlow,
  identity: identityFlow,
  complaint: complaintFlow,
  status: statusFlow,
  documents: documentsFlow,
  tasks: tasksFlow,
  act: actFlow,
  open: openCaseFlow,
  confirm: confirmFlow,
  tanya: askReporterFlow,
  jawab: answerReporterFlow,
  survey: surveyFlow,
};
export { actionToken } from './action-token.js';
export { answerClosing, reopenWindowOpen } from './confirm.js';
export { type ConfirmAnswer, confirmToken } from './confirm-token.js';
export { reporterHistory } from './reporter-history.js';
export { answerReporterToken, askReporterToken } from './reporter-wait-token.js';
export { surveyToken } from './survey-token.js';

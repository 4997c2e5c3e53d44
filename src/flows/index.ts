import { complaintFlow } from './complaint.js';
import type { Flow } from './context.js';
import { documentsFlow } from './documents.js';
import { identityFlow } from './identity.js';
import { menuFlow } from './menu.js';
import { actFlow, tasksFlow } from './official.js';
import { statusFlow } from './status.js';

export type { DocumentCatalog, DocumentSummary, FlowDeps } from './context.js';
export type { Inbound } from './inbound.js';
export { FlowRuntime } from './runtime.js';

/** Every conversation the service holds, by name. */
export const FLOWS: Readonly<Record<string, Flow>> = {
  menu: menuFlow,
  identity: identityFlow,
  complaint: complaintFlow,
  status: statusFlow,
  documents: documentsFlow,
  tasks: tasksFlow,
  act: actFlow,
};

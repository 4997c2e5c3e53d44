// The public face of src/db (the schema, the database client and the queries other folders share): other folders import from here, not from the modules inside.
export { recordAudit } from './audit.js';
export { type BulkColumnType, unnestedInsert } from './bulk-insert.js';
export { type Database, type Db, openDatabase, PREPARED_MARK, ping, type Tx } from './client.js';
export {
  type ClaimedConversation,
  claimedFrom,
  claimStatement,
  type LinkOwner,
  saveStatement,
  type UnitMenuSetting,
} from './conversation-claim.js';
export { DirectoryError } from './errors.js';
export { GroupCommit } from './group-commit.js';
export { claimInboundKey, inboundKeyTaken, releaseInboundKeys } from './inbound-messages.js';
export { createLinkCode, redeemLinkCode } from './link-codes.js';
export { createLoginToken, LOGIN_TOKEN_TTL_MS, loginTokenUsable, redeemLoginToken } from './official-login-tokens.js';
export { openTasksOf } from './official-tasks.js';
export { addOfficial, linkChannel } from './officials.js';
export {
  EMAIL_CHANNEL,
  emailAddressOf,
  forwardByEmail,
  type InsertOptions,
  insertChatMessage,
  insertMessage,
  insertMessages,
  insertMessagesLater,
  type NewMessage,
  type QueuedMessage,
  releaseHeldMessages,
} from './outbox.js';
export { discardLine, isLinePaused, listPausedLines, pauseLine, reopenLine } from './paused-lines.js';
export { sendInOrder } from './pipeline.js';
export { type LaterAnswer, pipelinedTransaction, quietly, type SendLater } from './pipelined-transaction.js';
export { dateOf, prepared, queryRows } from './raw.js';
export { surelyRolledBack } from './rolled-back.js';
export {
  adminAccounts,
  adminSessions,
  attachments,
  auditLog,
  caseEvents,
  cases,
  channelFileCache,
  channelLinks,
  channelStates,
  conversations,
  type DeliveryState,
  delegations,
  documents,
  downloads,
  inboundMessages,
  type Letterhead,
  type MessageStatus,
  messages,
  officials,
  pausedLines,
  processedEvents,
  sopActive,
  sopDefinitions,
  stakeholders,
  stepInstances,
  surveyResponses,
  type UnitLogo,
  unitDaysOff,
  units,
  whatsappAuth,
  whatsappContacts,
} from './schema.js';
export { placeholderRows, placeholdersOf, type Shaped } from './shaped.js';
export { ensureDefaultUnit } from './units.js';

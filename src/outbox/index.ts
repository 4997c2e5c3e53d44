// The public face of src/outbox (the outbox's rendering and the Channel port): other folders import from here, not from the modules inside.
export { CaseFactsLookup, caseFactsColumn, type FactsRow, factsOf } from './case-facts.js';
export type { Channel, ChannelLimits, OutgoingMessage } from './channel.js';
export { ChannelRateLimitedError, ChannelRefusedError, ChannelUnreachableError } from './errors.js';
export { localeOf, type RecipientFound, RecipientLocales, recipientColumn } from './recipient-locales.js';
export { type RenderOptions, renderMessage } from './render.js';

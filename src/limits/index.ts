// The public face of src/limits (rate windows): other folders import from here, not from the modules inside.

export { type DroppedBySender, DroppedMessages } from './dropped-messages.js';
export { type RateVerdict, RateWindow } from './rate-window.js';

// The public face of src/i18n (the message catalogue, dates, outcome and category words): other folders import from here, not from the modules inside.
export { extendCatalog, hasMessage, isLanguage, type Language, t } from './catalog.js';
export { categoryText } from './categories.js';
export { formatDay, formatIsoMoment, formatMoment } from './dates.js';
export { outcomeText } from './outcomes.js';

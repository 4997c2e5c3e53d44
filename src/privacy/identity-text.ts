/** The personal fields of a stakeholder that may turn up inside free text. */
export interface IdentityFields {
  readonly name: string | null;
  readonly email: string | null;
  /** E.164, as the identity flow stores it (+6281234567890). */
  readonly phone: string | null;
}

const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Between the digits of a phone number people write spaces, dots, dashes and brackets. */
const GAP = '[\\s.()-]*';

/**
 * Patterns that find a person's name, email and phone number in text as people write them:
 * any case, any spacing in the name, and the phone number with or without +62/0 and with
 * spaces or dashes between its digits ("0812-3456-7890", "+62 812 3456 7890").
 */
export function identityPatterns(person: IdentityFields): RegExp[] {
  const patterns: RegExp[] = [];
  const name = person.name?.trim();
  if (name && name.length >= 2) {
    patterns.push(new RegExp(name.split(/\s+/).map(literal).join('\\s+'), 'giu'));
  }
  const email = person.email?.trim();
  if (email) patterns.push(new RegExp(literal(email), 'giu'));
  const digits = person.phone?.replace(/\D/g, '') ?? '';
  if (digits.length >= 6) {
    // Indonesian numbers are also written with a leading 0 instead of +62.
    const national = digits.startsWith('62') ? digits.slice(2) : digits;
    const prefix = digits.startsWith('62') ? `(?:\\+?${GAP}62|0)?${GAP}` : `\\+?${GAP}`;
    patterns.push(new RegExp(`${prefix}${[...national].join(GAP)}`, 'g'));
  }
  return patterns;
}

/** `text` with every match of the patterns replaced; null stays null. */
export function scrubText(text: string | null, patterns: readonly RegExp[], replacement: string): string | null {
  if (text === null) return null;
  return patterns.reduce((out, pattern) => out.replace(pattern, replacement), text);
}

/** True when any pattern occurs in the text. */
export function mentions(text: string | null, patterns: readonly RegExp[]): boolean {
  if (!text) return false;
  return patterns.some((pattern) => {
    pattern.lastIndex = 0;
    const found = pattern.test(text);
    pattern.lastIndex = 0;
    return found;
  });
}

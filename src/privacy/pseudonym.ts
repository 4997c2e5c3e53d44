import { createHash } from 'node:crypto';

/**
 * The name officials see for the reporter of a rahasia case (SP4N-LAPOR! style): derived from the
 * case, not the person, so two reports by one person cannot be linked through it.
 */
export function pseudonymOf(caseId: string): string {
  const tag = createHash('sha256').update(`pelapor:${caseId}`).digest('hex').slice(0, 6).toUpperCase();
  return `Pelapor-${tag}`;
}

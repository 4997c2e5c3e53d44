import type { LinkOwner } from '../db/index.js';
import type { Person } from './context.js';

/** Who this chat belongs to, from the owner of its active link; null for someone not yet known. */
export function personFrom(owner: LinkOwner | null): Person | null {
  if (!owner) return null;
  if (owner.kind === 'official') return owner.active ? { kind: 'official', id: owner.id, name: owner.name } : null;
  if (!owner.name) return null;
  return {
    kind: 'stakeholder',
    id: owner.id,
    name: owner.name,
    contact: [owner.email, owner.phone].filter(Boolean).join(', '),
  };
}

import { describe, expect, it } from 'vitest';
import { t } from '../src/i18n/catalog.js';

describe('a name with its titles in a message', () => {
  it('ends the sentence once when the name ends with a full stop', () => {
    expect(t('id', 'menu.prompt.official', { name: 'Drs. Budi Hartono, M.AP.' })).toBe(
      'Selamat datang, Drs. Budi Hartono, M.AP. Silakan pilih menu:',
    );
    expect(t('en', 'official.linked', { name: 'Dr. Sari, S.H.' })).toMatch(
      /^Your account is linked, Dr\. Sari, S\.H\. Steps/,
    );
  });

  it('keeps the full stop after a name without one', () => {
    expect(t('id', 'menu.prompt.official', { name: 'Budi Hartono' })).toBe(
      'Selamat datang, Budi Hartono. Silakan pilih menu:',
    );
  });
});

// A group's title on screen: placeholders read as short words, marked apart from the message's own text.
import { describe, expect, it } from 'vitest';
import { titleParts, titleText } from '../web/error-title.js';

describe('error group titles on screen', () => {
  it('reads placeholders as N, UUID, "…" and keeps the rest as text', () => {
    expect(titleText('Timed out after <n> ms')).toBe('Timed out after N ms');
    expect(titleText('<str> for <uuid> at <url>')).toBe('"…" for UUID at URL');
    expect(titleParts('HTTP <n>')).toEqual([{ text: 'HTTP ' }, { placeholder: 'N', meaning: 'a number' }]);
  });

  it('leaves text that only looks like markup alone', () => {
    expect(titleParts('<b>bold</b> <n>')).toEqual([
      { text: '<b>bold</b> ' },
      { placeholder: 'N', meaning: 'a number' },
    ]);
    expect(titleText('')).toBe('');
  });
});

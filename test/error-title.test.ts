// A group's title and its fingerprint come from one normalisation: the title, lower-cased, is always exactly the
// fingerprint's normalised text, whatever the message (seeded random messages; RUNBOARD_TITLE_SEED replays one).
import { describe, expect, it } from 'vitest';
import { errorTitle, normaliseErrorMessage } from '../shared/error-fingerprint.js';
import { seededRandom } from './support/seeded-random.js';

describe('errorTitle', () => {
  it('keeps the message as written and replaces only what varies', () => {
    expect(errorTitle('Timed out after 1500 ms')).toBe('Timed out after <n> ms');
    expect(errorTitle('GET https://API.example/x?id=7 failed for Bob@Example.org: "Nope"')).toBe(
      'GET <url> failed for <email>: <str>',
    );
    expect(errorTitle('Record 3F2A9C1D-1111-2222-3333-44445555AAAA at 0xDEADBEEF')).toBe('Record <uuid> at <hex>');
    expect(errorTitle('  spaced\n\tout  ')).toBe('spaced out');
  });

  it('falls back to the normalised text where case-blind matching would disagree', () => {
    // U+212A KELVIN SIGN lower-cases to ASCII k, which joins the hex digits after it only once lower-cased.
    const message = '\u212Aabcdef012345';
    expect(errorTitle(message)).toBe(normaliseErrorMessage(message));
  });

  it('agrees with the fingerprint on any message', () => {
    const seed = Number(process.env.RUNBOARD_TITLE_SEED ?? Date.now() % 1_000_000);
    const random = seededRandom(seed);
    const pieces = [
      'Timed',
      'out',
      ' ',
      '  ',
      '\n',
      '1500',
      '3.5',
      'ms',
      '"q"',
      "'x'",
      '`y`',
      'ABCDEF012345',
      '0x1F',
      'a@b.co',
      'https://h/p',
      '3f2a9c1d-1111-2222-3333-444455556666',
      '\u212A',
      '\u0130',
      'ß',
      'Ω',
      '-',
      '.',
      '@',
    ];
    for (let i = 0; i < 2000; i++) {
      let message = '';
      const length = Math.floor(random() * 12);
      for (let j = 0; j < length; j++) message += pieces[Math.floor(random() * pieces.length)];
      expect(errorTitle(message).toLowerCase(), `seed ${seed}, message ${JSON.stringify(message)}`).toBe(
        normaliseErrorMessage(message),
      );
    }
  });
});

import { normalizePhone } from '../../common/phone/phone';

/**
 * Search served by one multikey index: at write time each customer stores the prefixes of its
 * name words ("n:<prefix>") and the substrings of its phone ("p:<digits>"); a query becomes
 * "the document holds every term". No regular expression is ever built from user input.
 */
export const MAX_SEARCH_LENGTH = 100;
/**
 * Bumped whenever searchKeysFor or sortKey derive differently: customers stored with an older
 * version get their keys rewritten at start-up (SearchKeysMigration). 2: whole words, symbols kept.
 */
export const SEARCH_KEYS_VERSION = 2;
const MIN_PHONE_DIGITS = 3;
const PHONE_CHARS = /^[0-9()+.-]+$/;

/** Latin letters that no Unicode decomposition takes to an unaccented letter. */
const LETTER_FOLDS: Record<string, string> = {
  ß: 'ss',
  ẞ: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
  ħ: 'h',
  ŧ: 't',
};
const FOLDED_LETTERS = new RegExp(`[${Object.keys(LETTER_FOLDS).join('')}]`, 'g');

const APOSTROPHES = /['\u2019\u02bc`]/g;

/** Lower case, accents, combining marks and apostrophes removed; other symbols kept. */
function foldKeepingSymbols(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(FOLDED_LETTERS, (letter) => LETTER_FOLDS[letter])
    .replace(APOSTROPHES, '');
}

const stripSymbols = (word: string) => word.replace(/[^\p{L}\p{N}]/gu, '');

/** Lower case, accents and combining marks removed, apostrophes and other symbols dropped. */
export function foldName(text: string): string {
  return foldKeepingSymbols(text).replace(/[^\p{L}\p{N}\s-]/gu, '');
}

/**
 * The words of a name as a search reads them: folded, split on whitespace and hyphens, symbols
 * other than apostrophes kept ("Mary-Jane O'Brien" → mary, jane, obrien; "St. Clair" → st., clair).
 */
export function nameWords(name: string): string[] {
  return foldKeepingSymbols(name)
    .split(/[\s-]+/)
    .filter((word) => word.length > 0);
}

/**
 * The key names sort on, so that sorting is case- and accent-insensitive. A name with no letter
 * or digit at all ("." or an emoji) sorts on itself, lower-cased.
 */
export function sortKey(name: string): string {
  return foldName(name).trim() || name.trim().toLowerCase();
}

/** What every name key starts with (a phone key starts with `p:`). */
export const NAME_KEY_PREFIX = 'n:';

export function searchKeysFor(customer: {
  first_name: string;
  last_name: string;
  phone_number: string;
}): string[] {
  const keys = new Set<string>();
  for (const word of [...nameWords(customer.first_name), ...nameWords(customer.last_name)]) {
    // "st." is found by "st." and by "st"; a symbol in a query word is a literal character.
    for (const form of new Set([word, stripSymbols(word)])) {
      const characters = Array.from(form); // by code point: a prefix never splits a surrogate pair
      for (let end = 1; end <= characters.length; end++)
        keys.add(`${NAME_KEY_PREFIX}${characters.slice(0, end).join('')}`);
    }
  }
  const phone = customer.phone_number;
  for (let start = 0; start < phone.length; start++) {
    for (let end = start + MIN_PHONE_DIGITS; end <= phone.length; end++)
      keys.add(`p:${phone.slice(start, end)}`);
  }
  return [...keys];
}

const digitsOf = (text: string) => text.replace(/\D/g, '');

// A term longer than a phone number matches no stored key, which is the right answer.
const phoneTerm = (digits: string) => `p:${digits}`;

/** No stored key is this: a name key holds at least one character after its prefix. */
const MATCHES_NOTHING = NAME_KEY_PREFIX;

/**
 * A query word is folded like stored names (case, accents, apostrophes; hyphens split it) and
 * keeps any other symbol as a literal character: "st." finds "St. Clair", "jo.*" finds no one.
 */
function nameTerms(word: string): string[] {
  return nameWords(word).map((part) => `${NAME_KEY_PREFIX}${part}`);
}

/** Digits as a phone term: a whole number with its country code ("+1 555 123 4567") counts as its 10 digits. */
const phoneDigitsOf = (text: string) => normalizePhone(text) ?? digitsOf(text);

/**
 * The terms a search string stands for, all of which must match. Consecutive words of digits and
 * phone separators are read together as one phone term ("(555) 123" → p:555123, "+1 555 123 4567"
 * → p:5551234567) when they hold 3 digits or more; every other word gives name-prefix terms
 * ("mary-jane" → n:mary, n:jane).
 */
export function searchTerms(search: string | undefined): string[] {
  const terms = new Set<string>();
  let phoneRun: string[] = [];
  const endPhoneRun = () => {
    const text = phoneRun.join(' ');
    if (digitsOf(text).length >= MIN_PHONE_DIGITS) terms.add(phoneTerm(phoneDigitsOf(text)));
    else for (const word of phoneRun) for (const term of nameTerms(word)) terms.add(term);
    phoneRun = [];
  };
  for (const word of (search ?? '').split(/\s+/).filter((w) => w.length > 0)) {
    if (PHONE_CHARS.test(word)) {
      phoneRun.push(word);
      continue;
    }
    endPhoneRun();
    for (const term of nameTerms(word)) terms.add(term);
  }
  endPhoneRun();
  return [...terms];
}

/**
 * The terms a customer must hold to match a search string: none for no search, and a term no
 * customer holds when something was typed that has no letter or digit ("'", "-"): that matches no
 * one, not everyone.
 */
export function searchCriteria(search: string | undefined): string[] {
  const terms = searchTerms(search);
  if (terms.length === 0 && search?.trim()) return [MATCHES_NOTHING];
  return terms;
}

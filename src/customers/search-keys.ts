import { trusted } from 'mongoose';

/**
 * Search served by one multikey index: at write time each customer stores the prefixes of its
 * name words ("n:<prefix>") and the substrings of its phone ("p:<digits>"); a query becomes
 * "the document holds every term". No regular expression is ever built from user input.
 */
export const MAX_SEARCH_LENGTH = 100;
const MAX_PREFIX_LENGTH = 20;
const MIN_PHONE_DIGITS = 3;
const PHONE_TERM_CHARS = /^[0-9()+.\-]+$/;
const PHONE_STRING_CHARS = /^[0-9()+.\-\s]+$/;

/** Lower case, accents and combining marks removed, apostrophes and other symbols dropped. */
export function foldName(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s-]/gu, '');
}

/** The words of a name: split on whitespace and hyphens ("Mary-Jane O'Brien" → mary, jane, obrien). */
export function nameWords(name: string): string[] {
  return foldName(name)
    .split(/[\s-]+/)
    .filter((word) => word.length > 0);
}

/** The key names sort on, so that sorting is case- and accent-insensitive. */
export function sortKey(name: string): string {
  return foldName(name).trim();
}

export function searchKeysFor(customer: {
  first_name: string;
  last_name: string;
  phone_number: string;
}): string[] {
  const keys = new Set<string>();
  for (const word of [...nameWords(customer.first_name), ...nameWords(customer.last_name)]) {
    for (let end = 1; end <= Math.min(word.length, MAX_PREFIX_LENGTH); end++)
      keys.add(`n:${word.slice(0, end)}`);
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

const APOSTROPHES = /['\u2019\u02bc`]/g;

/**
 * Query words are folded like stored names (case, accents, apostrophes, hyphens), but any other
 * symbol stays: stored keys hold only letters and digits, so "jo.*" or "(" literally match nothing.
 */
function nameTerms(word: string): string[] {
  return word
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(APOSTROPHES, '')
    .split('-')
    .filter((part) => part.length > 0)
    .map((part) => `n:${part.slice(0, MAX_PREFIX_LENGTH)}`);
}

/**
 * The terms a search string stands for, all of which must match. A string made only of digits
 * and phone separators is one phone term ("(555) 123" → p:555123); otherwise each word is a phone
 * term (3+ digits and separators only) or name-prefix terms ("mary-jane" → n:mary, n:jane).
 */
export function searchTerms(search: string | undefined): string[] {
  const text = (search ?? '').trim();
  if (!text) return [];
  if (PHONE_STRING_CHARS.test(text) && digitsOf(text).length >= MIN_PHONE_DIGITS)
    return [phoneTerm(digitsOf(text))];
  const terms = new Set<string>();
  for (const word of text.split(/\s+/)) {
    const isPhone = PHONE_TERM_CHARS.test(word) && digitsOf(word).length >= MIN_PHONE_DIGITS;
    for (const term of isPhone ? [phoneTerm(digitsOf(word))] : nameTerms(word)) terms.add(term);
  }
  return [...terms];
}

/**
 * The filter for a search string. The longest term is also an equality so that FerretDB pushes it
 * down to its backend (it evaluates $all in memory); MongoDB uses the multikey index for either.
 */
export function buildSearchFilter(search: string | undefined): Record<string, unknown> {
  const terms = searchTerms(search);
  if (terms.length === 0) return {};
  if (terms.length === 1) return { search_keys: terms[0] };
  const mostSelective = [...terms].sort((a, b) => b.length - a.length)[0];
  return { search_keys: trusted({ $eq: mostSelective, $all: terms }) };
}

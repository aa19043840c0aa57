/**
 * The one phone-number normalizer. Accepts common separators and a leading US country code
 * ("+1 555 123 4567", "(555) 123-4567", "555.123.4567") and returns the 10 digits, or
 * undefined for anything else (letters, other lengths, stray or doubled symbols).
 */
const MAX_PHONE_INPUT_LENGTH = 32;
/** Digits and single separators (space, dot, dash), parentheses, a leading +; digits at the end. */
const PHONE_SHAPE = /^\+?[0-9(][0-9 ().-]*[0-9]$/;
/** Two separators in a row ("..", "--", ". -"); a space after a parenthesis is fine: "(555) 123". */
const DOUBLED_SEPARATOR = /[.-][ .-]|[ ][.-]/;
/** The only parentheses allowed: one pair around three digits (the area code). */
const AREA_CODE_PARENS = /^[^()]*\(\d{3}\)[^()]*$/;

export function normalizePhone(input: unknown): string | undefined {
  if (typeof input !== 'string' || input.length > MAX_PHONE_INPUT_LENGTH) return undefined;
  const trimmed = input.trim();
  if (!PHONE_SHAPE.test(trimmed) || DOUBLED_SEPARATOR.test(trimmed)) return undefined;
  if (/[()]/.test(trimmed) && !AREA_CODE_PARENS.test(trimmed)) return undefined;
  const digits = trimmed.replace(/\D/g, '');
  if (digits.length === 11 && digits.startsWith('1')) return digits.slice(1);
  if (digits.length === 10 && !trimmed.startsWith('+')) return digits;
  return undefined;
}

/** For logs: keeps the last 4 digits of any long digit run. */
export function maskPhoneNumbers(text: string): string {
  return text.replace(/\d(?:[\s().-]*\d){6,}/g, (run) => {
    const digits = run.replace(/\D/g, '');
    return '*'.repeat(digits.length - 4) + digits.slice(-4);
  });
}

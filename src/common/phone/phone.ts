/**
 * The one phone-number normalizer. Accepts common separators and a leading US country code
 * ("+1 555 123 4567", "(555) 123-4567", "555.123.4567") and returns the 10 digits, or
 * undefined for anything else (letters, other lengths, stray symbols).
 */
const ALLOWED_PHONE_INPUT = /^\+?[0-9\s().-]+$/;
const MAX_PHONE_INPUT_LENGTH = 32;

export function normalizePhone(input: unknown): string | undefined {
  if (typeof input !== 'string' || input.length > MAX_PHONE_INPUT_LENGTH) return undefined;
  const trimmed = input.trim();
  if (!ALLOWED_PHONE_INPUT.test(trimmed) || trimmed.lastIndexOf('+') > 0) return undefined;
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

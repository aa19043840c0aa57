import { maskPhoneNumbers, normalizePhone } from './phone';

describe('normalizePhone', () => {
  it.each([
    '5551234567',
    '555-123-4567',
    '(555) 123-4567',
    '555.123.4567',
    '+1 555 123 4567',
    '1-555-123-4567',
    '15551234567',
    '+15551234567',
    ' 555 123 4567 ',
    '(555)123-4567',
    '(555)-123-4567',
    '1 (555) 123-4567',
    '+1 (555) 123-4567',
    '+1-555-123-4567',
    '1.555.123.4567',
    '555 1234567',
  ])('%p means 5551234567', (input) => {
    expect(normalizePhone(input)).toBe('5551234567');
  });

  it.each([
    ['letters', '555-ABC-4567'],
    ['a trailing letter', '555123456a'],
    ['9 digits', '555123456'],
    ['12 digits', '555123456789'],
    ['11 digits without the US code', '25551234567'],
    ['a foreign country code', '+44 20 7946 0958'],
    ['a foreign code on 10 digits', '+4 555 123 456'],
    ['a plus without a country code', '+5551234567'],
    ['a plus in the middle', '555+1234567'],
    ['two plus signs', '++1 555 123 4567'],
    ['stray symbols', '555/123/4567'],
    ['a query operator', '{"$ne": null}'],
    ['an empty string', ''],
    ['only separators', '() -.'],
    ['a very long input', `5551234567${' '.repeat(40)}`],
    ['a trailing dot', '5551234567.'],
    ['a leading dash', '-5551234567'],
    ['doubled dots', '555..1234567'],
    ['doubled dashes', '555--123-4567'],
    ['a dash after a space', '555 -123-4567'],
    ['nested parentheses', '((555)) 123-4567'],
    ['an unbalanced parenthesis', '(555 123-4567'],
    ['reversed parentheses', '555)123(4567'],
    ['parentheses around more than the area code', '(555 123) 4567'],
    ['a tab', '555\t123\t4567'],
    ['a line break', '555\n1234567'],
    ['a no-break space', '555\u00a0123\u00a04567'],
  ])('refuses %s', (_why, input) => {
    expect(normalizePhone(input)).toBeUndefined();
  });

  it.each([[5551234567], [null], [undefined], [{ $ne: null }], [['5551234567']]])(
    'refuses the non-string %p',
    (input) => {
      expect(normalizePhone(input)).toBeUndefined();
    },
  );
});

describe('maskPhoneNumbers', () => {
  it('keeps only the last 4 digits of a phone number', () => {
    expect(maskPhoneNumbers('/api/v1/customer/5551234567/history')).toBe(
      '/api/v1/customer/******4567/history',
    );
  });

  it('masks formatted numbers too', () => {
    const masked = maskPhoneNumbers('called 555-123-4567 and (555) 987.6543');
    expect(masked).not.toMatch(/555|123|987/);
    expect(masked).toContain('4567');
    expect(masked).toContain('6543');
  });

  it('masks every number in the text', () => {
    expect(maskPhoneNumbers('5551234567 moved to 5559876543')).toBe(
      '******4567 moved to ******6543',
    );
  });

  it('leaves short digit runs alone', () => {
    expect(maskPhoneNumbers('page 2 of 123, 45 items')).toBe('page 2 of 123, 45 items');
  });
});

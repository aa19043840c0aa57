import { ApiException } from '../common/problem/api-exception';
import { PhoneParamPipe } from '../common/phone/phone-param';
import { parseIfMatch, preconditionHolds } from './if-match';

describe('phone path parameter', () => {
  const pipe = new PhoneParamPipe();

  it.each([
    '5551234567',
    '555-123-4567',
    '(555) 123-4567',
    '555.123.4567',
    '+1 555 123 4567',
    '1-555-123-4567',
  ])('%s → 5551234567', (input) => expect(pipe.transform(input)).toBe('5551234567'));

  it.each(['stats', '555123456', '555123456789', '555-ABC-4567', '', '+44 555 123 4567'])(
    '%j is a 422 on field phone',
    (input) => {
      try {
        pipe.transform(input);
        throw new Error('accepted');
      } catch (error) {
        expect(error).toBeInstanceOf(ApiException);
        expect((error as ApiException).getStatus()).toBe(422);
        expect((error as ApiException).errors).toEqual([
          { field: 'phone', message: expect.any(String) },
        ]);
      }
    },
  );
});

describe('If-Match', () => {
  it.each([
    ['"3"', [3]],
    ['W/"3"', []],
    ['W/"3", "4"', [4]],
    ['"011"', []],
    ['"0"', [0]],
    ['3', [3]],
    [' "3" , "5"', [3, 5]],
  ])('%s', (header, versions) => {
    expect(parseIfMatch(header)).toEqual({ kind: 'versions', versions });
  });

  it('reads * as any version and absence as no precondition', () => {
    expect(parseIfMatch('*')).toEqual({ kind: 'any' });
    expect(parseIfMatch(undefined)).toBeUndefined();
    expect(preconditionHolds(undefined, 7)).toBe(true);
    expect(preconditionHolds({ kind: 'any' }, 7)).toBe(true);
    expect(preconditionHolds({ kind: 'versions', versions: [6] }, 7)).toBe(false);
    expect(preconditionHolds(parseIfMatch('W/"7"'), 7)).toBe(false);
  });

  it.each(['"abc"', 'W/3', '"3', '', '3.5', '-1'])('%j is a 422', (header) => {
    expect(() => parseIfMatch(header)).toThrow(ApiException);
  });
});

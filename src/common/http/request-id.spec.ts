import type { IncomingMessage } from 'node:http';
import { requestIdFor } from './request-id';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function withHeader(value?: string | string[]): IncomingMessage {
  return {
    headers: value === undefined ? {} : { 'x-request-id': value },
  } as unknown as IncomingMessage;
}

describe('requestIdFor', () => {
  it.each(['abc-123', 'trace.42:span_7', '3f1c2b9e-6a55-4c1e-9b7a-0d4f1c2e8a10', 'x'.repeat(128)])(
    'echoes the sane id %p',
    (id) => {
      expect(requestIdFor(withHeader(id))).toBe(id);
    },
  );

  it('generates a UUID when the header is missing', () => {
    expect(requestIdFor(withHeader())).toMatch(UUID);
  });

  it.each([
    ['empty', ''],
    ['too long', 'x'.repeat(129)],
    ['with spaces', 'abc 123'],
    ['with a newline', 'abc\n123'],
    ['with markup', '<script>'],
    ['with log-injection quotes', 'a"b'],
    ['non-ASCII', 'idé'],
  ])('generates a UUID when the header is %s', (_why, id) => {
    expect(requestIdFor(withHeader(id))).toMatch(UUID);
  });

  it('generates a UUID for a repeated header', () => {
    expect(requestIdFor(withHeader(['a', 'b']))).toMatch(UUID);
  });

  it('generates a different id for each request', () => {
    expect(requestIdFor(withHeader())).not.toBe(requestIdFor(withHeader()));
  });
});

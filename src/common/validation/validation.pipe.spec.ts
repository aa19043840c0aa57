import { IsString, MaxLength, MinLength } from 'class-validator';
import { ArgumentMetadata } from '@nestjs/common';
import { PageQueryDto } from '../pagination/page.dto';
import { ApiException } from '../problem/api-exception';
import { createValidationPipe, findForbiddenInput } from './validation.pipe';

/** A body like the login's: two required strings with lengths (common knows no feature's DTOs). */
class LoginRequestDto {
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  username: string;

  @IsString()
  @MinLength(1)
  @MaxLength(256)
  password: string;
}

const body = (metatype: ArgumentMetadata['metatype']): ArgumentMetadata => ({ type: 'body', metatype });
const query = (metatype: ArgumentMetadata['metatype']): ArgumentMetadata => ({ type: 'query', metatype });

async function fieldErrors(value: unknown, metadata: ArgumentMetadata) {
  try {
    await createValidationPipe().transform(value, metadata);
  } catch (error) {
    expect(error).toBeInstanceOf(ApiException);
    return (error as ApiException).errors;
  }
  throw new Error('expected a validation failure');
}

describe('validation pipe', () => {
  it('gives each field one message, its most fundamental failure', async () => {
    expect(await fieldErrors({ username: 'admin' }, body(LoginRequestDto))).toEqual([
      { field: 'password', message: 'password must be a string' },
    ]);
    expect(await fieldErrors({ page: 'abc' }, query(PageQueryDto))).toEqual([
      { field: 'page', message: 'page must be an integer number' },
    ]);
    expect(await fieldErrors({ per_page: '101' }, query(PageQueryDto))).toEqual([
      { field: 'per_page', message: 'per_page must not be greater than 100' },
    ]);
  });

  it.each(['1e1', ' 2', '0x10', '2.0', '+2'])('reads only plain digits as an integer (%j is refused)', async (page) => {
    expect(await fieldErrors({ page }, query(PageQueryDto))).toEqual([
      { field: 'page', message: 'page must be an integer number' },
    ]);
  });

  it('refuses a NUL character anywhere, naming where', async () => {
    expect(await fieldErrors({ username: 'ad\u0000min', password: 'x' }, body(LoginRequestDto))).toEqual([
      { field: 'username', message: 'must not contain NUL characters' },
    ]);
  });

  it('finds NUL and lone surrogates in strings and keys, at any depth', () => {
    expect(findForbiddenInput('a\u0000')).toEqual({ path: '', message: 'must not contain NUL characters' });
    expect(findForbiddenInput({ a: { b: ['x', 'y\u0000'] } })?.path).toBe('a.b.1');
    expect(findForbiddenInput({ 'k\u0000': 1 }, 'body')?.path).toBe('body.k\u0000');
    expect(findForbiddenInput({ email: 'a@b.co\ud800' })).toEqual({ path: 'email', message: expect.stringMatching(/lone surrogate/) });
    expect(findForbiddenInput({ n: '\udc00x' })?.path).toBe('n');
    expect(findForbiddenInput({ a: 'clean 😀 é', b: [1, null, true] })).toBeUndefined();
  });

  it.each(['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__', '__defineGetter__'])(
    'refuses a key named %s, which whitelisting would take for a declared one',
    async (key) => {
      const body = JSON.parse(`{"username":"a","password":"b","${key}":{"$gt":""}}`);
      expect(await fieldErrors(body, { type: 'body', metatype: LoginRequestDto })).toEqual([
        { field: key, message: `property ${key} should not exist` },
      ]);
    },
  );
});

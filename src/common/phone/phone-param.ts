import { Injectable, PipeTransform } from '@nestjs/common';
import { ApiParam } from '@nestjs/swagger';
import { validationFailed } from '../problem/api-exception';
import { normalizePhone } from './phone';
import { PHONE_INPUT, PHONE_INPUT_MAX } from '../openapi/patterns';
import { PHONE_EXAMPLE, PHONE_MESSAGE } from './phone.validators';

/** `{phone}` in a path: normalized to 10 digits, or a 422 naming the `phone` parameter. */
@Injectable()
export class PhoneParamPipe implements PipeTransform<unknown, string> {
  transform(value: unknown): string {
    const phone = normalizePhone(value);
    if (!phone)
      throw validationFailed(
        [{ field: 'phone', message: `phone ${PHONE_MESSAGE}` }],
        'The phone number in the path is not valid.',
      );
    return phone;
  }
}

export const ApiPhoneParam = () =>
  ApiParam({
    name: 'phone',
    example: PHONE_EXAMPLE,
    schema: { type: 'string', pattern: PHONE_INPUT, maxLength: PHONE_INPUT_MAX },
    description: '10 digits; separators and a leading +1 are accepted (anything else is a 422)',
  });


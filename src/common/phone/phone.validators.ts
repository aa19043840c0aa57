import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { Matches } from 'class-validator';
import { normalizePhone } from './phone';

export const PHONE_MESSAGE =
  'must be a 10-digit US phone number, e.g. 5551234567 or (555) 123-4567';
export const PHONE_EXAMPLE = '5551234567';

/** Accepts the usual phone notations and leaves the 10 digits; anything else fails validation. */
export const IsPhoneNumber = () =>
  applyDecorators(
    Transform(({ value }) => normalizePhone(value) ?? value),
    Matches(/^\d{10}$/, { message: ({ property }) => `${property} ${PHONE_MESSAGE}` }),
  );

import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'auth:isPublic';

/** Marks a route (or controller) that needs no bearer token. */
export const Public = () => SetMetadata(IS_PUBLIC, true);

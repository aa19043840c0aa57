import { applyDecorators, Type } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiProperty, ApiSchema, getSchemaPath } from '@nestjs/swagger';

/**
 * The one page shape every paginated response shares, as the `Page` schema of the document.
 * Each paginated response is `Page` with its `items` typed (see ApiPageResponse).
 */
@ApiSchema({ name: 'Page', description: 'One page of a list: its items and where it sits among all pages' })
export class PageSchema {
  @ApiProperty({ type: 'array', items: {}, description: 'The items of this page' })
  items: unknown[];

  @ApiProperty({ type: 'integer', minimum: 0, example: 42, description: 'Items matching the filters, over all pages' })
  total: number;

  @ApiProperty({ type: 'integer', minimum: 1, example: 1 })
  page: number;

  @ApiProperty({ type: 'integer', minimum: 1, maximum: 100, example: 10 })
  per_page: number;

  @ApiProperty({ type: 'integer', minimum: 0, example: 5, description: 'ceil(total / per_page)' })
  pages: number;
}

/** A 200 answering one page of `item`s: `Page` with typed items. */
export const ApiPageResponse = (item: Type<unknown>, description: string) =>
  applyDecorators(
    ApiExtraModels(PageSchema, item),
    ApiOkResponse({
      description,
      schema: {
        allOf: [
          { $ref: getSchemaPath(PageSchema) },
          {
            type: 'object',
            required: ['items'],
            properties: { items: { type: 'array', items: { $ref: getSchemaPath(item) } } },
          },
        ],
      },
    }),
  );

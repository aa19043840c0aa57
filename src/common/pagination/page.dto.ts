import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { toInteger } from '../validation/transforms';

export const MAX_PER_PAGE = 100;

/** `page` and `per_page`, shared by every paginated endpoint. */
export class PageQueryDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 1_000_000, default: 1, example: 1 })
  @IsOptional()
  @toInteger
  @Max(1_000_000)
  @Min(1)
  @IsInt()
  page: number = 1;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_PER_PAGE, default: 10, example: 10 })
  @IsOptional()
  @toInteger
  @Max(MAX_PER_PAGE)
  @Min(1)
  @IsInt()
  per_page: number = 10;
}

export class PageMetaDto {
  @ApiProperty({ type: 'integer', example: 42, description: 'Items matching the filters, over all pages' })
  total: number;

  @ApiProperty({ type: 'integer', example: 1 })
  page: number;

  @ApiProperty({ type: 'integer', example: 10 })
  per_page: number;

  @ApiProperty({ type: 'integer', example: 5, description: 'ceil(total / per_page)' })
  pages: number;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  per_page: number;
  pages: number;
}

export function pageOf<T>(items: T[], total: number, query: PageQueryDto): Page<T> {
  return {
    items,
    total,
    page: query.page,
    per_page: query.per_page,
    pages: Math.ceil(total / query.per_page),
  };
}

export const skipOf = (query: PageQueryDto) => (query.page - 1) * query.per_page;

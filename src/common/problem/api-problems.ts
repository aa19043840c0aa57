import { applyDecorators } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiPreconditionFailedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { ProblemResponseDto } from './problem.dto';

/** The problem responses an endpoint can answer with, by status. */
export const ApiProblems = (problems: { 404?: string; 409?: string; 412?: string; 422?: string }) =>
  applyDecorators(
    ...(problems[404]
      ? [ApiNotFoundResponse({ type: ProblemResponseDto, description: problems[404] })]
      : []),
    ...(problems[409]
      ? [ApiConflictResponse({ type: ProblemResponseDto, description: problems[409] })]
      : []),
    ...(problems[412]
      ? [
          ApiPreconditionFailedResponse({
            type: ProblemResponseDto,
            description: problems[412],
            headers: {
              ETag: {
                description: 'The current version, e.g. "4": re-read, then retry with it',
                schema: { type: 'string', example: '"4"' },
              },
            },
          }),
        ]
      : []),
    ApiUnprocessableEntityResponse({
      type: ProblemResponseDto,
      description: problems[422] ?? 'VALIDATION_FAILED',
    }),
  );


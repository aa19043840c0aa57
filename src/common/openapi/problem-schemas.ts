import { isProblemCode, ProblemCode } from '../problem/problem-codes';

type JsonObject = Record<string, unknown>;

export const PROBLEM_SCHEMA_NAME = 'ProblemResponseDto';
const problemRef = { $ref: `#/components/schemas/${PROBLEM_SCHEMA_NAME}` };

/**
 * Problems that carry members of their own (SPEC *Status changes*): each is the problem schema
 * with its code fixed and those members required.
 */
const PROBLEMS_WITH_MEMBERS: Partial<
  Record<ProblemCode, { name: string; description: string; members: Record<string, JsonObject>; example: JsonObject }>
> = {
  INVALID_STATUS_TRANSITION: {
    name: 'InvalidStatusTransitionProblem',
    description: 'The action does not apply to the customer in its current status: current_status says which, allowed_from which it needs',
    members: {
      current_status: { $ref: '#/components/schemas/CustomerStatus' },
      allowed_from: { type: 'array', minItems: 1, items: { $ref: '#/components/schemas/CustomerStatus' } },
    },
    example: { current_status: 'banned', allowed_from: ['active'] },
  },
  CUSTOMER_HAS_ACTIVE_LOANS: {
    name: 'CustomerHasActiveLoansProblem',
    description: 'The action needs a customer with no open loan: active_loans says how many are open',
    members: { active_loans: { type: 'integer', minimum: 1 } },
    example: { active_loans: 2 },
  },
};

const codeIs = (codes: readonly string[]): JsonObject => ({
  type: 'object',
  required: ['code'],
  properties: { code: { type: 'string', enum: [...codes] } },
});

/** The named schemas of the problems with members of their own, to add to components.schemas. */
export function problemComponents(): Record<string, JsonObject> {
  const schemas: Record<string, JsonObject> = {};
  for (const [code, spec] of Object.entries(PROBLEMS_WITH_MEMBERS)) {
    const own = codeIs([code]);
    own.required = ['code', ...Object.keys(spec!.members)];
    own.properties = { ...(own.properties as JsonObject), ...spec!.members };
    schemas[spec!.name] = { description: spec!.description, allOf: [problemRef, own] };
  }
  return schemas;
}

/** Example values of the members a problem with `code` carries (none for most codes). */
export const problemExampleMembers = (code: ProblemCode): JsonObject => PROBLEMS_WITH_MEMBERS[code]?.example ?? {};

/** The codes a response description names (e.g. "CUSTOMER_ARCHIVED or CONCURRENT_MODIFICATION"). */
export function codesNamedIn(description: string): ProblemCode[] {
  const tokens: string[] = description.match(/\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*\b/g) ?? [];
  return [...new Set(tokens.filter(isProblemCode))];
}

/**
 * The schema of one problem response: the problem with `code` narrowed to what this response
 * can carry, and the codes that have members of their own by their named schema.
 */
export function problemSchemaFor(codes: readonly ProblemCode[]): JsonObject {
  const named = codes.filter((code) => PROBLEMS_WITH_MEMBERS[code]);
  const plain = codes.filter((code) => !PROBLEMS_WITH_MEMBERS[code]);
  const plainSchema = { allOf: [problemRef, codeIs(plain)] };
  if (named.length === 0) return plainSchema;
  return {
    oneOf: [
      ...named.map((code) => ({ $ref: `#/components/schemas/${PROBLEMS_WITH_MEMBERS[code]!.name}` })),
      ...(plain.length > 0 ? [plainSchema] : []),
    ],
  };
}

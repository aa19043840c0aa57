import { validationFailed } from '../common/problem/api-exception';

/** What an If-Match header asks for: any current version ("*"), or one of the listed versions. */
export type VersionPrecondition = { kind: 'any' } | { kind: 'versions'; versions: number[] };

const ENTITY_TAG = /^(W\/)?"(\d{1,15})"$|^(\d{1,15})$/;

/**
 * Parses `If-Match`: `"3"`, a bare `3`, a list `"3", "4"`, or `*`. Undefined when absent; a
 * malformed header is a 422 (our ETags are always versions, so anything else is a client bug).
 * If-Match compares strongly (RFC 9110 13.1.1): a weak tag such as `W/"3"` never matches, nor
 * does a tag that is not written as we write versions (`"03"`).
 */
export function parseIfMatch(header: string | undefined): VersionPrecondition | undefined {
  if (header === undefined) return undefined;
  const value = header.trim();
  if (value === '*') return { kind: 'any' };
  const versions = value.split(',').flatMap((part) => {
    const match = ENTITY_TAG.exec(part.trim());
    if (!match) {
      throw validationFailed(
        [
          {
            field: 'If-Match',
            message: 'If-Match must be an entity tag such as "3" (the ETag of the customer)',
          },
        ],
        'The If-Match header is malformed.',
      );
    }
    const [, weak, quoted, bare] = match;
    const tag = quoted ?? bare;
    // Compared as written: "011" is not the tag "11" of version 11, so it matches nothing.
    return weak || String(Number(tag)) !== tag ? [] : [Number(tag)];
  });
  return { kind: 'versions', versions };
}

export function preconditionHolds(
  precondition: VersionPrecondition | undefined,
  version: number,
): boolean {
  return !precondition || precondition.kind === 'any' || precondition.versions.includes(version);
}

export const etagFor = (version: number) => `"${version}"`;

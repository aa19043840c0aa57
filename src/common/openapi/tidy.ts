type JsonObject = Record<string, unknown>;

/**
 * Rewrites what @nestjs/swagger emits in forms OpenAPI 3.0 tools read badly: a lone `$ref`
 * wrapped in `allOf` with nothing beside it, and `nullable` on a schema whose `type` was dropped
 * because it has `anyOf` (every alternative then has the type).
 */
export function tidySchemas<T>(node: T): T {
  if (Array.isArray(node)) return node.map(tidySchemas) as T;
  if (node === null || typeof node !== 'object') return node;
  const object = Object.fromEntries(Object.entries(node).map(([key, value]) => [key, tidySchemas(value)])) as JsonObject;
  const allOf = object.allOf as unknown[] | undefined;
  if (Array.isArray(allOf) && allOf.length === 1 && Object.keys(object).length === 1) return allOf[0] as T;
  const anyOf = object.anyOf as JsonObject[] | undefined;
  if (object.nullable === true && object.type === undefined && Array.isArray(anyOf)) {
    const types = new Set(anyOf.map((alternative) => alternative.type));
    if (types.size === 1 && typeof anyOf[0].type === 'string') object.type = anyOf[0].type;
  }
  return object as T;
}

/** Every route but the health probes lives under this prefix. */
export const API_PREFIX = 'api/v1';
/** The same prefix as the start of a request URL: `/api/v1/`. */
export const API_PATH_PREFIX = `/${API_PREFIX}/`;
/**
 * The version of the HTTP contract: the OpenAPI document's `info.version`, and the version of the
 * SDK package built from it (sdk/package.json). Bump it with any change of the document.
 */
export const API_VERSION = '1.1.0';

/** Largest request body accepted (413 above it). */
export const BODY_LIMIT_KIB = 16;
export const BODY_LIMIT_BYTES = BODY_LIMIT_KIB * 1024;
/** Largest request head accepted (431 above it): Node's default `maxHeaderSize`. */
export const HEADER_LIMIT_KIB = 16;

/** Every route but the health probes lives under this prefix. */
export const API_PREFIX = 'api/v1';
/** The same prefix as the start of a request URL: `/api/v1/`. */
export const API_PATH_PREFIX = `/${API_PREFIX}/`;

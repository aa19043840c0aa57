/** Every route but the health probes lives under this prefix. */
export const API_PREFIX = 'api/v1';

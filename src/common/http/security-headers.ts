import helmet, { HelmetOptions } from 'helmet';

export const HELMET_OPTIONS: Readonly<HelmetOptions> = {
  contentSecurityPolicy: {
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'", "'unsafe-inline'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      // Helmet's default would have browsers fetch Swagger UI's own scripts over https, which
      // leaves /docs blank whenever it is opened over plain http on anything but localhost.
      upgradeInsecureRequests: null,
    },
  },
};

/**
 * Helmet's response headers for fixed options, worked out once. (`@fastify/helmet` runs helmet
 * for every request, re-parsing the CSP directives each time: measured at ~3% of the server's CPU
 * for a get by phone.) Set by one hook on every response, and on Fastify's routing errors too.
 */
export function securityHeaders(
  options: Readonly<HelmetOptions> = HELMET_OPTIONS,
): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: unknown) => void (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => void delete headers[name.toLowerCase()],
    getHeader: (name: string) => headers[name.toLowerCase()],
  };
  let finished = false;
  helmet(options)({} as never, response as never, (error?: unknown) => {
    if (error) throw error;
    finished = true;
  });
  if (!finished) throw new Error('helmet did not set its headers synchronously');
  return Object.freeze(headers);
}

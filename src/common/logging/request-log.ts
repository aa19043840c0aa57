import { FastifyReply, FastifyRequest, LogController } from 'fastify';

/**
 * One log line per request, written when it is answered: method, URL (phone numbers masked by
 * the logger's `req` serializer), status and time. Fastify's default writes two (incoming and
 * completed), one `write` each.
 */
export class OneLinePerRequest extends LogController {
  override incomingRequest(): void {
    // logged with the outcome, in requestCompleted
  }

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    if (this.isLogDisabled(request)) return;
    const line = { req: request, res: reply, responseTime: reply.elapsedTime };
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else reply.log.info(line, 'request completed');
  }
}

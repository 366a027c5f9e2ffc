/*
 * The console's one error type: every failure answers `ApiErrorBody` with a stable code from the
 * shared catalogue (packages/shared api.ts), so the web app can say what failed.
 */
import { API_ERRORS, toIssues, type ApiErrorBody, type ApiErrorCode, type Issue } from '@switchboard/shared';
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';

export class ApiHttpError extends Error {
  readonly status: number;
  constructor(
    readonly code: ApiErrorCode,
    message?: string,
    readonly extra: Omit<Partial<ApiErrorBody>, 'code' | 'message' | 'statusCode'> = {},
  ) {
    super(message ?? API_ERRORS[code].message);
    this.name = 'ApiHttpError';
    this.status = API_ERRORS[code].status;
  }

  body(): ApiErrorBody {
    return { statusCode: this.status, code: this.code, message: this.message, ...this.extra };
  }
}

/** A body/query that failed its schema: 400 naming each field. */
export function validationError(err: z.ZodError, where: 'body' | 'query' | 'params'): ApiHttpError {
  const issues: Issue[] = toIssues(err, where);
  const first = issues[0];
  return new ApiHttpError('VALIDATION_FAILED', first ? `invalid ${first.path || where}: ${first.message}` : undefined, { issues });
}

/** Parses `value` with `schema` or throws VALIDATION_FAILED. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, where: 'body' | 'query' | 'params'): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw validationError(r.error, where);
  return r.data;
}

export function sendError(reply: FastifyReply, err: ApiHttpError): FastifyReply {
  return reply.code(err.status).type('application/json').send(err.body());
}

/** Installs the error and not-found handlers that answer with the catalogue. */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | ApiHttpError | Error, request, reply) => {
    if (error instanceof ApiHttpError) return sendError(reply, error);
    if (error instanceof z.ZodError) return sendError(reply, validationError(error, 'body'));
    const fe = error as FastifyError;
    if (fe.statusCode === 429) {
      return sendError(reply, new ApiHttpError('RATE_LIMITED', undefined, {}));
    }
    if (fe.statusCode !== undefined && fe.statusCode >= 400 && fe.statusCode < 500) {
      // Fastify's own (bad JSON, body too large, unsupported media type…).
      return sendError(reply, new ApiHttpError('BAD_REQUEST', fe.message));
    }
    request.log.error({ err: error }, 'console request failed');
    return sendError(reply, new ApiHttpError('INTERNAL', `internal error: ${error.message}`));
  });
}

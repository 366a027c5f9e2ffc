/*
 * The console's one error type: every failure answers `ApiErrorBody` with a stable code from the
 * shared catalogue (packages/shared api.ts), so the web app can say what failed. Route schemas
 * validate with zod (fastify-type-provider-zod); their errors are mapped here into the same
 * VALIDATION_FAILED body as any other: a 400 naming each field (`body.password`, `query.limit`).
 */
import { API_ERRORS, toIssues, type ApiErrorBody, type ApiErrorCode, type Issue } from '@switchboard/shared';
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
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

type Where = 'body' | 'query' | 'params' | 'headers';

/** Issues → VALIDATION_FAILED, its message naming the first field. */
export function validationFailed(issues: Issue[], where: Where): ApiHttpError {
  const first = issues[0];
  return new ApiHttpError('VALIDATION_FAILED', first ? `invalid ${first.path || where}: ${first.message}` : undefined, { issues });
}

/** A body/query that failed its schema: 400 naming each field. */
export function validationError(err: z.ZodError, where: Where): ApiHttpError {
  return validationFailed(toIssues(err, where), where);
}

const CONTEXTS: Record<string, Where> = { body: 'body', querystring: 'query', params: 'params', headers: 'headers' };

/** The type provider's validation error (Fastify's `validation` array) → VALIDATION_FAILED. */
function schemaValidationError(error: FastifyError & { validation: { instancePath: string; message?: string }[] }): ApiHttpError {
  const where = CONTEXTS[error.validationContext ?? 'body'] ?? 'body';
  const issues = error.validation.map((v) => ({
    path: [where, ...v.instancePath.split('/').filter((s) => s !== '')].join('.'),
    message: v.message ?? 'invalid',
  }));
  return validationFailed(issues, where);
}

export function sendError(reply: FastifyReply, err: ApiHttpError): FastifyReply {
  return reply.code(err.status).type('application/json').send(err.body());
}

/** Fastify's own 4xx errors, by status, in the catalogue. */
const FASTIFY_STATUS: Partial<Record<number, ApiErrorCode>> = { 413: 'PAYLOAD_TOO_LARGE', 415: 'UNSUPPORTED_MEDIA_TYPE', 429: 'RATE_LIMITED' };

/** Maps any error to the catalogue. */
export function toApiError(error: unknown): ApiHttpError | null {
  if (error instanceof ApiHttpError) return error;
  if (error instanceof z.ZodError) return validationError(error, 'body');
  if (hasZodFastifySchemaValidationErrors(error)) return schemaValidationError(error as never);
  const fe = error as FastifyError;
  if (fe.statusCode !== undefined && fe.statusCode >= 400 && fe.statusCode < 500) {
    const code = FASTIFY_STATUS[fe.statusCode];
    // Fastify's own (bad JSON, body too large, unsupported media type…).
    return new ApiHttpError(code ?? 'BAD_REQUEST', fe.message);
  }
  return null;
}

/** Installs the error handler that answers with the catalogue. */
export function installErrorHandlers(app: FastifyInstance, log: { error(msg: string): void }): void {
  app.setErrorHandler((error: FastifyError | ApiHttpError | Error, request, reply) => {
    const api = toApiError(error);
    if (api) return sendError(reply, api);
    log.error(`Console: ${request.method} ${request.url.split('?')[0]} failed: ${error.stack ?? error.message}`);
    return sendError(reply, new ApiHttpError('INTERNAL', `internal error: ${error.message}`));
  });
}

// One error type for the API and one place that turns errors into responses.
import type { FastifyError, FastifyInstance } from 'fastify';
import type { z } from 'zod';

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new HttpError(404, 'not_found', `${what} does not exist or is not visible to you`);
export const forbidden = (message: string) => new HttpError(403, 'forbidden', message);
export const conflict = (message: string) => new HttpError(409, 'conflict', message);

const SECRET_FIELDS = /password|token|secret|key/i;

function valueAt(input: unknown, path: PropertyKey[]): unknown {
  return path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined), input);
}

function show(value: unknown, field: string): string {
  if (value === undefined) return 'missing';
  if (SECRET_FIELDS.test(field)) return 'got ***';
  const text = JSON.stringify(value);
  return `got ${text.length > 80 ? `${text.slice(0, 77)}...` : text}`;
}

/** Validates input with a contract schema; a failure names the field, the value and the rule. */
export function parse<S extends z.ZodType>(schema: S, input: unknown, where: 'body' | 'query' | 'params'): z.infer<S> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = [where, ...issue.path.map(String)].join('.');
  throw new HttpError(400, 'validation', `${field}: ${issue.message} (${show(valueAt(input, issue.path), field)})`, field);
}

/** Fastify's own input errors (invalid or empty JSON, too large, wrong media type) name the input they refer to. */
function fastifyErrorField(code: string | undefined): string | undefined {
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return 'headers.content-type';
  return code?.startsWith('FST_ERR_CTP_') ? 'body' : undefined;
}

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | HttpError, req, reply) => {
    if (err instanceof HttpError) {
      return reply.status(err.statusCode).send({ error: err.code, message: err.message, ...(err.field ? { field: err.field } : {}) });
    }
    const status = err.statusCode ?? 500;
    if (status < 500) {
      const field = fastifyErrorField(err.code);
      const detail =
        field === 'headers.content-type' ? ` (got ${JSON.stringify(req.headers['content-type'] ?? '')}; send application/json)` : '';
      return reply.status(status).send({
        error: err.code ?? 'bad_request',
        message: field ? `${field}: ${err.message}${detail}` : err.message,
        ...(field ? { field } : {}),
      });
    }
    req.log.error(err);
    console.error(`${req.method} ${req.url} failed: ${err.stack ?? err.message}`);
    return reply.status(500).send({ error: 'internal', message: 'internal error' });
  });
  app.setNotFoundHandler((req, reply) =>
    reply.status(404).send({ error: 'not_found', message: `${req.method} ${req.url.split('?')[0]} is not a route of this API` }),
  );
}

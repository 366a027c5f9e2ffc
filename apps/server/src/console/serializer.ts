/*
 * Response serialization against the route's zod schema. The schema *parses* the handler's value
 * (zod's encode would refuse the input-form models handlers return: the conf file's own model has
 * no defaults filled in), so a response is what the schema's output type says — unknown keys
 * dropped, defaults filled — and a handler that breaks its contract fails loudly (500) instead of
 * sending the web app something it will reject.
 */
import type { FastifySerializerCompiler } from 'fastify';
import { ResponseSerializationError } from 'fastify-type-provider-zod';
import { z } from 'zod';

export const serializerCompiler: FastifySerializerCompiler<z.ZodType> =
  ({ schema, method, url }) =>
  (data) => {
    const r = schema.safeParse(data);
    if (!r.success) throw new ResponseSerializationError(method, url, { cause: r.error });
    return JSON.stringify(r.data);
  };

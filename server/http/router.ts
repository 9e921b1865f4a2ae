import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from './actor.ts';
import { AppError } from '../shared/errors.ts';

/** A feature's router: input is validated by its zod schemas and bad input answers in the common error shape. */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        const fields = result.error.issues.map((issue) => ({
          path: issue.path.map(String).join('.') || result.target,
          message: issue.message,
        }));
        throw new AppError('validation_failed', `Invalid ${result.target}: ${fields.map((f) => `${f.path}: ${f.message}`).join('; ')}`, {
          fields,
        });
      }
    },
  });
}

export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'validation_failed' }),
      message: z.string(),
      fields: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    }),
  })
  .openapi('Error');

const errorContent = { 'application/json': { schema: ErrorBody } };

/** The error responses every authenticated route can give, for the OpenAPI document. */
export const errorResponses = {
  400: { description: 'Invalid input', content: errorContent },
  401: { description: 'Not authenticated', content: errorContent },
  403: { description: 'Not allowed', content: errorContent },
  404: { description: 'Not found', content: errorContent },
  409: { description: 'Conflict with the current state', content: errorContent },
} as const;

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  body: { content: { 'application/json': { schema } }, required: true },
});

export const jsonResponse = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

export const IdParam = z.object({ id: z.string().min(1).max(64).openapi({ param: { name: 'id', in: 'path' } }) });

export const PageQuery = {
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
};

import type { OpenAPIObject } from '@nestjs/swagger';
import { PROBLEM_CODES } from './problem/problem';

const PROBLEM_SCHEMA = {
  type: 'object',
  description: 'RFC 9457 problem document',
  required: ['type', 'title', 'status', 'detail', 'code'],
  properties: {
    type: { type: 'string', format: 'uri' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    code: {
      type: 'string',
      // The codes of the one error table: what the API advertises is what something raises.
      enum: PROBLEM_CODES,
    },
    errors: { type: 'array', items: { type: 'object', required: ['field', 'message'], properties: { field: { type: 'string' }, message: { type: 'string' } } } },
  },
} as const;

const COMMON: Record<string, string> = {
  '400': 'Validation failed (each bad field named in `errors`)',
  '401': 'Missing, unknown or revoked API key',
  '403': 'The key’s role lacks the permission',
};
const MUTATION: Record<string, string> = {
  '409': 'Invalid state transition (detail says the state and what is allowed)',
  '412': 'If-Match does not match the current version; nothing written',
  '413': 'Body over 1 MiB',
  '422': 'Idempotency-Key reused with a different request',
  '503': 'Store unavailable; safe to retry',
};

/** Every operation documents the problem documents it can answer with (docs/api.md, sections 3 and 13). */
export function withProblemResponses(document: OpenAPIObject): OpenAPIObject {
  document.components = { ...document.components, schemas: { ...document.components?.schemas, Problem: PROBLEM_SCHEMA as never } };
  for (const [path, item] of Object.entries(document.paths)) {
    if (path.startsWith('/health')) continue;
    for (const [method, operation] of Object.entries(item) as [string, { responses?: Record<string, unknown> }][]) {
      if (!['get', 'post', 'put', 'delete'].includes(method)) continue;
      const codes = { ...COMMON, ...(method === 'get' ? { '404': 'Not found' } : { '404': 'Not found', ...MUTATION }) };
      operation.responses = operation.responses ?? {};
      for (const [status, description] of Object.entries(codes)) {
        operation.responses[status] ??= { description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } };
      }
    }
  }
  return document;
}

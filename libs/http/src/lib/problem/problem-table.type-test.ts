// Compile-time checks, run by `npm run typecheck` (part of `npm test`): every `@ts-expect-error`
// line must be an error, so the type check fails if one of them ever compiles. Nothing here runs.
import { Problem } from './problem';

// A Problem's status is tied to its code by the table.
export const problemStatusChecks = (): unknown => [
  new Problem(401, 'UNAUTHENTICATED', 'no key'),
  // @ts-expect-error UNAUTHENTICATED is 401 in the table.
  new Problem(403, 'UNAUTHENTICATED', 'no key'),
];

import type * as z from 'zod';
import type { Context } from 'hono';
import type { ValidationTargets } from 'hono/types';
import { ApiError, errorResponse } from './errors';

/** A validation outcome, as src/openapi/app.ts hands it to the hook. */
export type ValidationResult = { target: keyof ValidationTargets } & (
  | { success: true; data: unknown }
  | { success: false; error: z.ZodError }
);

const WHERE: Partial<Record<keyof ValidationTargets, string>> = {
  query: 'query parameter',
  param: 'path parameter',
  json: 'body field',
};

/** Body arrays whose length is a batch size: over the limit answers 413 `batch_too_large` (other limits answer 400). */
const BATCH_FIELDS = new Set(['pairs', 'ratings', 'items', 'events']);

/**
 * The app's default validation hook: turns a zod failure into a 400 `invalid_request` whose
 * message names each offending field, or a 413 `batch_too_large` when `pairs` (POST /v1/score),
 * `ratings` or `items` (POST /v1/recommendations) is over its limit.
 */
export function validationHook(result: ValidationResult, c: Context): Response | undefined {
  if (result.success) return undefined;
  const { issues } = result.error;
  const message = describeIssues(result.target, issues);
  const tooMany = issues.some((issue) => issue.code === 'too_big' && BATCH_FIELDS.has(issue.path.join('.')));
  return errorResponse(c, new ApiError(tooMany ? 413 : 400, tooMany ? 'batch_too_large' : 'invalid_request', message));
}

/** A readable summary of zod issues, each prefixed by the field it concerns. */
export function describeIssues(target: keyof ValidationTargets, reported: readonly z.core.$ZodIssue[]): string {
  const issues = reported.flatMap(unwrapUnion);
  const shown = issues.slice(0, 5).map((issue) => {
    const where = issue.path.length > 0 ? `${WHERE[target] ?? target} "${formatPath(issue.path)}"` : 'request body';
    return `${where}: ${issue.message}`;
  });
  const more = issues.length > 5 ? ` (and ${issues.length - 5} more)` : '';
  return `${shown.join('; ')}${more}`;
}

/**
 * A union's issue, made specific when the input had the type of exactly one of its options (an
 * `items` entry that is an object with a bad `weight`, say): that option's own issues, at their
 * full paths. Otherwise the union's issue, whose message lists the accepted forms.
 */
function unwrapUnion(issue: z.core.$ZodIssue): z.core.$ZodIssue[] {
  if (issue.code !== 'invalid_union' || !('errors' in issue) || !Array.isArray(issue.errors)) return [issue];
  const typed = issue.errors.filter(
    (option) => !option.some((inner) => inner.code === 'invalid_type' && inner.path.length === 0),
  );
  if (typed.length !== 1) return [issue];
  return typed[0]!.map((inner) => ({ ...inner, path: [...issue.path, ...inner.path] })).flatMap(unwrapUnion);
}

/** `['pairs', 3, 'user']` → `pairs[3].user`. */
function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

/**
 * Every route module builds its routes on an OpenAPIHono made here, so that
 * validation failures are answered the same way everywhere: a 400 whose
 * message names the parameter and the problem.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Hook } from '@hono/zod-openapi';
import { InvalidInputError } from '../errors.ts';
import type { AppEnv } from './app-env.ts';

const TARGET_WORDS: Record<string, string> = {
  query: 'query parameter',
  param: 'path parameter',
  json: 'body field',
  form: 'form field',
  header: 'header',
  cookie: 'cookie',
};

interface ValidationIssue {
  path: readonly PropertyKey[];
  message: string;
}

/** "query parameter limit: must be at most 5000; query parameter level: …" */
export function describeValidationIssues(target: string, issues: readonly ValidationIssue[]): string {
  const word = TARGET_WORDS[target] ?? target;
  return issues
    .map((issue) => {
      const name = issue.path.map(String).join('.');
      return name ? `${word} ${name}: ${issue.message}` : `${word}: ${issue.message}`;
    })
    .join('; ');
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the hook serves every route's input type
const validationHook: Hook<any, any, any, any> = (result) => {
  if (!result.success) {
    throw new InvalidInputError(describeValidationIssues(result.target, result.error.issues), 'invalid_request');
  }
};

export function createRouter(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
}

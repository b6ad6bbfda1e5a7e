import { describe, expect, test } from 'vitest';
import { describeValidationIssues } from './router.ts';

describe('describeValidationIssues', () => {
  test('names where each problem is and what it is', () => {
    expect(
      describeValidationIssues('query', [
        { path: ['limit'], message: 'must be a whole number from 1 to 5000' },
        { path: ['level'], message: 'must be one of district, town, village' },
      ]),
    ).toBe(
      'query parameter limit: must be a whole number from 1 to 5000; query parameter level: must be one of district, town, village',
    );
    expect(describeValidationIssues('param', [{ path: ['code'], message: 'must be a 15-digit grid code' }])).toBe(
      'path parameter code: must be a 15-digit grid code',
    );
  });
});

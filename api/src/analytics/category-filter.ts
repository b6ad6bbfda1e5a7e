/** A filter on case categories: group codes (2 digits) take in all their subcategories. */
import { sql, type SqlFragment } from '@minqing/db';
import { InvalidInputError } from '../errors.ts';

export function parseCategories(value: string | undefined | null): string[] {
  if (!value) return [];
  const codes = [
    ...new Set(
      value
        .split(',')
        .map((code) => code.trim())
        .filter(Boolean),
    ),
  ];
  for (const code of codes) {
    if (!/^[0-9]{2}([0-9]{2})?$/.test(code)) {
      throw new InvalidInputError(`categories: ${code} is not a category code (2 or 4 digits)`, 'invalid_category');
    }
  }
  return codes.sort();
}

/** A condition on `c.category_code`; true when no category is named. */
export function categoryCondition(codes: readonly string[]): SqlFragment {
  if (codes.length === 0) return sql`true`;
  const groups = codes.filter((code) => code.length === 2);
  const leaves = codes.filter((code) => code.length === 4);
  return sql`(c.category_code = any(${leaves}::text[]) or left(c.category_code, 2) = any(${groups}::text[]))`;
}

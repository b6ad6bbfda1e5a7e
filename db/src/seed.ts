/**
 * Defaults every deployment starts with: the request taxonomy. Inserted only
 * where missing, so an administrator's edits stay; subcategories are linked to
 * the department of the usual name once such a unit exists.
 */
import { DEFAULT_TAXONOMY } from '@minqing/shared';
import type { Queryable } from './client.ts';
import { sql } from './sql.ts';

export async function seedDefaults(db: Queryable): Promise<{ categoriesAdded: number; departmentsLinked: number }> {
  const rows = DEFAULT_TAXONOMY;
  const added = await db.query<{ code: string }>(sql`
    insert into category (code, name, name_en, parent_code, routing, answer_working_days, keywords, sort_order)
    select code, name, name_en, nullif(parent_code, ''), nullif(routing, ''), answer_days, string_to_array(keywords, ','), sort_order
    from unnest(${rows.map((row) => row.code)}::text[], ${rows.map((row) => row.name)}::text[], ${rows.map((row) => row.nameEn)}::text[],
                ${rows.map((row) => (row.code.length === 4 ? row.code.slice(0, 2) : ''))}::text[], ${rows.map((row) => row.routing ?? '')}::text[],
                ${rows.map((row) => row.answerWorkingDays ?? null)}::smallint[], ${rows.map((row) => (row.keywords ?? []).join(','))}::text[],
                ${rows.map((_, index) => index)}::int[])
      as input(code, name, name_en, parent_code, routing, answer_days, keywords, sort_order)
    order by length(code), code
    on conflict (code) do nothing
    returning code`);
  const linked = await db.query<{ code: string }>(sql`
    update category set department_unit_id = unit.id
    from unnest(${rows.map((row) => row.code)}::text[], ${rows.map((row) => row.department ?? null)}::text[]) as wanted(code, department)
    join unit on unit.name = wanted.department and unit.kind = 'department'
    where category.code = wanted.code and category.department_unit_id is null
    returning category.code`);
  return { categoriesAdded: added.length, departmentsLinked: linked.length };
}

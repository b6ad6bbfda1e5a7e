/**
 * Editing the taxonomy of requests (table `category`): groups (two-digit
 * codes) and their subcategories (four digits, the group's code first). A
 * subcategory names where its cases go (routing, department) and how fast they
 * are answered; its keywords let messages find it. Categories are never
 * deleted — cases keep pointing at them — only deactivated: a deactivated
 * subcategory takes no new cases and leaves Open311's services; deactivating
 * a group deactivates its subcategories.
 */
import { sql, type Database, type Queryable } from '@minqing/db';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors.ts';

export const ROUTINGS = ['village', 'town', 'department'] as const;
export type Routing = (typeof ROUTINGS)[number];

export interface CategoryView {
  code: string;
  parentCode: string | null;
  name: string;
  nameEn: string;
  routing: Routing | null;
  departmentUnitId: number | null;
  answerWorkingDays: number | null;
  keywords: string[];
  sortOrder: number;
  active: boolean;
}

export interface NewCategory {
  code: string;
  name: string;
  nameEn: string;
  routing?: Routing | undefined;
  departmentUnitId?: number | null | undefined;
  answerWorkingDays?: number | null | undefined;
  keywords?: string[] | undefined;
  sortOrder?: number | undefined;
  active?: boolean | undefined;
}

export type CategoryChange = Partial<Omit<NewCategory, 'code' | 'routing'>> & { routing?: Routing | undefined };

interface CategoryRow {
  code: string;
  parent_code: string | null;
  name: string;
  name_en: string;
  routing: Routing | null;
  department_unit_id: number | null;
  answer_working_days: number | null;
  keywords: string[];
  sort_order: number;
  active: boolean;
}

const COLUMNS = sql`code, parent_code, name, name_en, routing, department_unit_id, answer_working_days, keywords, sort_order, active`;

function toView(row: CategoryRow): CategoryView {
  return {
    code: row.code,
    parentCode: row.parent_code,
    name: row.name,
    nameEn: row.name_en,
    routing: row.routing,
    departmentUnitId: row.department_unit_id,
    answerWorkingDays: row.answer_working_days,
    keywords: row.keywords,
    sortOrder: row.sort_order,
    active: row.active,
  };
}

async function findCategory(db: Queryable, code: string): Promise<CategoryRow | null> {
  const [row] = await db.query<CategoryRow>(sql`select ${COLUMNS} from category where code = ${code} for update`);
  return row ?? null;
}

async function requireDepartment(db: Queryable, unitId: number): Promise<void> {
  const [unit] = await db.query<{ kind: string; active: boolean; name: string }>(
    sql`select kind, active, name from unit where id = ${unitId}`,
  );
  if (!unit) throw new InvalidInputError(`departmentUnitId ${unitId}: no such unit`, 'unknown_unit');
  if (unit.kind !== 'department')
    throw new InvalidInputError(
      `departmentUnitId ${unitId}: ${unit.name} is a ${unit.kind}, not a district department`,
      'not_a_department',
    );
  if (!unit.active) throw new InvalidInputError(`departmentUnitId ${unitId}: ${unit.name} is no longer active`, 'unknown_unit');
}

function departmentGoesWithRouting(code: string, routing: Routing | null | undefined): void {
  if (routing !== 'department') {
    throw new InvalidInputError(
      `category ${code}: departmentUnitId goes with routing department (its cases go to that department), not ${routing ?? 'no routing'}`,
      'department_needs_routing',
    );
  }
}

/** Keywords trimmed, empty ones dropped, each once. */
function cleanKeywords(keywords: string[]): string[] {
  return [...new Set(keywords.map((keyword) => keyword.trim()).filter(Boolean))];
}

function checkLeafFields(code: string, fields: { routing?: unknown; departmentUnitId?: unknown; answerWorkingDays?: unknown }) {
  const set = (['routing', 'departmentUnitId', 'answerWorkingDays'] as const).filter(
    (name) => fields[name] !== undefined && fields[name] !== null,
  );
  if (set.length > 0) {
    throw new InvalidInputError(
      `category ${code} is a group: ${set.join(', ')} belong to its subcategories (four-digit codes)`,
      'group_has_no_routing',
    );
  }
}

export async function createCategory(db: Database, input: NewCategory): Promise<CategoryView> {
  const group = input.code.length === 2;
  if (group) checkLeafFields(input.code, input);
  else if (!input.routing) {
    throw new InvalidInputError(
      `subcategory ${input.code} needs a routing: village, town or department (where its cases go first)`,
      'routing_required',
    );
  }
  return db.transaction(async (tx) => {
    if (await findCategory(tx, input.code)) {
      throw new ConflictError(
        `category ${input.code} already exists: change it with PATCH /api/categories/${input.code}`,
        'already_exists',
      );
    }
    const parentCode = group ? null : input.code.slice(0, 2);
    if (parentCode) {
      const parent = await findCategory(tx, parentCode);
      if (!parent) throw new InvalidInputError(`group ${parentCode} does not exist: create it first`, 'unknown_group');
      if (!parent.active && input.active !== false)
        throw new ConflictError(`group ${parentCode} (${parent.name}) is not active: activate it first`, 'group_inactive');
    }
    if (input.departmentUnitId) {
      departmentGoesWithRouting(input.code, input.routing);
      await requireDepartment(tx, input.departmentUnitId);
    }
    const [row] = await tx.query<CategoryRow>(sql`
      insert into category (code, parent_code, name, name_en, routing, department_unit_id, answer_working_days, keywords, sort_order, active)
      values (${input.code}, ${parentCode}, ${input.name}, ${input.nameEn}, ${input.routing ?? null}, ${input.departmentUnitId ?? null},
              ${input.answerWorkingDays ?? null}, ${cleanKeywords(input.keywords ?? [])}::text[],
              coalesce(${input.sortOrder ?? null}::int, (select coalesce(max(sort_order), 0) + 1 from category)),
              ${input.active ?? true})
      returning ${COLUMNS}`);
    return toView(row!);
  });
}

export async function updateCategory(
  db: Database,
  code: string,
  change: CategoryChange,
): Promise<{ category: CategoryView; deactivatedSubcategories: string[] }> {
  return db.transaction(async (tx) => {
    const current = await findCategory(tx, code);
    if (!current) throw new NotFoundError(`category ${code} does not exist`, 'unknown_category');
    const group = current.parent_code === null;
    if (group) checkLeafFields(code, change);
    const keep = <T>(value: T | undefined, fallback: T): T => (value === undefined ? fallback : value);
    const routing = keep(change.routing, current.routing);
    if (change.departmentUnitId) {
      departmentGoesWithRouting(code, routing);
      await requireDepartment(tx, change.departmentUnitId);
    }
    if (!group && change.active === true) {
      const [parent] = await tx.query<{ active: boolean; name: string }>(
        sql`select active, name from category where code = ${current.parent_code}`,
      );
      if (parent && !parent.active)
        throw new ConflictError(
          `group ${current.parent_code} (${parent.name}) is not active: activate it first`,
          'group_inactive',
        );
    }
    // Routed to the village or town again: the department no longer takes its cases.
    const departmentUnitId = routing === 'department' ? keep(change.departmentUnitId, current.department_unit_id) : null;
    const [row] = await tx.query<CategoryRow>(sql`
      update category set
        name = ${keep(change.name, current.name)},
        name_en = ${keep(change.nameEn, current.name_en)},
        routing = ${routing},
        department_unit_id = ${departmentUnitId},
        answer_working_days = ${keep(change.answerWorkingDays, current.answer_working_days)},
        keywords = ${change.keywords === undefined ? current.keywords : cleanKeywords(change.keywords)}::text[],
        sort_order = ${keep(change.sortOrder, current.sort_order)},
        active = ${keep(change.active, current.active)}
      where code = ${code}
      returning ${COLUMNS}`);
    let deactivatedSubcategories: string[] = [];
    if (group && change.active === false) {
      const rows = await tx.query<{ code: string }>(
        sql`update category set active = false where parent_code = ${code} and active returning code`,
      );
      deactivatedSubcategories = rows.map((child) => child.code).sort();
    }
    return { category: toView(row!), deactivatedSubcategories };
  });
}

/**
 * Common problems (共性问题): cases in a window whose texts say the same
 * thing — across villages and months, in different words — grouped by text
 * (jieba words, TF-IDF), category and distance, then described for a
 * leader: size, residents and households involved, villages, a
 * representative text, the trend by month and the units it went to. A
 * leader can turn a group into a common problem item and link its cases.
 */
import { sql, type Database, type Queryable } from '@minqing/db';
import { groupTexts, type TextDocument } from '@minqing/shared';
import type { Actor } from '../auth/actor.ts';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors.ts';
import type { CommonProblemPolicy } from './analytics-policy.ts';
import { categoryCondition } from './category-filter.ts';
import { metricSrid } from './grid-neighbours.ts';
import type { TimeWindow } from './periods.ts';
import { contentWords } from './segmentation.ts';

export interface CommonProblemParameters extends CommonProblemPolicy {
  from: string;
  to: string;
  categories: string[];
}

export interface CommonProblemSummary {
  cases: number;
  groups: number;
  groupedCases: number;
  features: number;
  segmentationSeconds: number;
  groupingSeconds: number;
  notice: string | null;
}

interface CaseText {
  id: number;
  title: string;
  description: string;
  category_code: string;
  village_name: string | null;
  town_name: string | null;
  x: number | null;
  y: number | null;
}

export async function computeCommonProblems(
  db: Queryable,
  runId: number,
  parameters: CommonProblemParameters,
  window: TimeWindow,
): Promise<CommonProblemSummary> {
  const srid = await metricSrid(db);
  // Duplicates already linked to an original say nothing new: leave them out.
  const texts = await db.query<CaseText>(sql`
    select c.id, c.title, c.description, c.category_code, v.name as village_name, t.name as town_name,
           ST_X(ST_Transform(c.location, ${srid}::int)) as x, ST_Y(ST_Transform(c.location, ${srid}::int)) as y
    from cases c left join region v on v.code = c.village_code left join region t on t.code = c.town_code
    where c.created_at >= ${window.start} and c.created_at < ${window.end} and c.duplicate_of_id is null
      and ${categoryCondition(parameters.categories)}
    order by c.id`);
  let started = performance.now();
  const documents: TextDocument[] = texts.map((row) => ({
    // The title is the first clause of the description unless the clerk wrote one: count the description only.
    words: contentWords(row.description, [row.village_name ?? '', row.town_name ?? '']),
    category: row.category_code,
    x: row.x,
    y: row.y,
  }));
  const segmentationSeconds = (performance.now() - started) / 1000;
  started = performance.now();
  const result = groupTexts(documents, {
    linkScore: parameters.linkScore,
    averageScore: parameters.averageScore,
    minimumText: parameters.minimumText,
    textWeight: parameters.textWeight,
    categoryWeight: parameters.categoryWeight,
    spaceWeight: parameters.spaceWeight,
    spaceScaleMetres: parameters.spaceScaleMetres,
    minimumGroupSize: Math.max(2, parameters.minimumGroupSize),
  });
  const groupingSeconds = (performance.now() - started) / 1000;

  const groups = result.groups.map((group, index) => ({
    groupNo: index + 1,
    caseIds: group.members.map((member) => texts[member]!.id),
    representative: texts[group.representative]!,
    keywords: group.keywords,
    cohesion: group.cohesion,
  }));
  if (groups.length > 0) {
    await writeGroups(db, runId, groups);
  }
  let notice: string | null = null;
  if (texts.length === 0) notice = 'no cases in this window and category: nothing to group';
  else if (groups.length === 0) notice = 'no group of cases describes the same problem in this window';
  return {
    cases: texts.length,
    groups: groups.length,
    groupedCases: groups.reduce((sum, group) => sum + group.caseIds.length, 0),
    features: result.features,
    segmentationSeconds: Math.round(segmentationSeconds * 100) / 100,
    groupingSeconds: Math.round(groupingSeconds * 100) / 100,
    notice,
  };
}

/** Group rows first (members refer to them), then members, then the descriptions computed in SQL. */
async function writeGroups(
  db: Queryable,
  runId: number,
  groups: { groupNo: number; caseIds: number[]; representative: CaseText; keywords: string[]; cohesion: number }[],
): Promise<void> {
  const payload = JSON.stringify(
    groups.map((group) => ({
      group_no: group.groupNo,
      case_ids: group.caseIds,
      representative_case_id: group.representative.id,
      representative_text: group.representative.description.slice(0, 500),
      keywords: group.keywords,
      cohesion: group.cohesion,
    })),
  );
  await db.query(sql`
    with g as (
      select * from jsonb_to_recordset(${payload}::text::jsonb)
        as g (group_no int, case_ids bigint[], representative_case_id bigint, representative_text text, keywords text[], cohesion float8)
    ),
    members as (select g.group_no, unnest(g.case_ids) as case_id from g),
    described as (
      select m.group_no, count(*) as cases, sum(c.raised_count) as raised,
             coalesce((select sum(gr.households) from grid gr
                       where gr.valid_to is null and gr.code in (select c2.grid_code from members m2 join cases c2 on c2.id = m2.case_id
                                                                 where m2.group_no = m.group_no)), 0) as households,
             min(c.created_at) as first_at, max(c.created_at) as last_at
      from members m join cases c on c.id = m.case_id
      group by m.group_no
    )
    insert into common_problem_group (run_id, group_no, cases, raised, households, representative_case_id, representative_text,
                                      keywords, cohesion, first_at, last_at)
    select ${runId}, g.group_no, d.cases, d.raised, d.households, g.representative_case_id, g.representative_text, g.keywords,
           g.cohesion, d.first_at, d.last_at
    from g join described d on d.group_no = g.group_no`);
  await db.query(sql`
    insert into common_problem_group_case (run_id, group_no, case_id)
    select ${runId}, g.group_no, unnest(g.case_ids)
    from jsonb_to_recordset(${payload}::text::jsonb) as g (group_no int, case_ids bigint[])`);
  // Categories, villages, units and months of each group, as small JSON lists.
  await db.query(sql`
    with members as (
      select m.group_no, c.* from common_problem_group_case m join cases c on c.id = m.case_id where m.run_id = ${runId}
    ),
    categories as (
      select group_no, jsonb_agg(jsonb_build_object('code', code, 'name', name, 'cases', cases) order by cases desc, code) as list
      from (select m.group_no, m.category_code as code, cat.name, count(*) as cases
            from members m join category cat on cat.code = m.category_code group by 1, 2, 3) x group by group_no
    ),
    villages as (
      select group_no, jsonb_agg(jsonb_build_object('code', code, 'name', name, 'town', town, 'cases', cases) order by cases desc, code) as list
      from (select m.group_no, m.village_code as code, v.name, t.name as town, count(*) as cases
            from members m join region v on v.code = m.village_code join region t on t.code = v.parent_code
            group by 1, 2, 3, 4) x group by group_no
    ),
    units as (
      select group_no, jsonb_agg(jsonb_build_object('id', id, 'name', name, 'cases', cases) order by cases desc, id) as list
      from (select m.group_no, u.id, u.name, count(*) as cases from members m join unit u on u.id = m.owner_unit_id group by 1, 2, 3) x
      group by group_no
    ),
    months as (
      select group_no, jsonb_agg(jsonb_build_object('month', month, 'cases', cases) order by month) as list
      from (select group_no, to_char(created_at at time zone 'Asia/Shanghai', 'YYYY-MM') as month, count(*) as cases
            from members group by 1, 2) x group by group_no
    )
    update common_problem_group g
    set categories = coalesce(categories.list, '[]'), villages = coalesce(villages.list, '[]'),
        units = coalesce(units.list, '[]'), monthly = coalesce(months.list, '[]')
    from categories
    left join villages using (group_no) left join units using (group_no) left join months using (group_no)
    where g.run_id = ${runId} and g.group_no = categories.group_no`);
}

export interface CommonProblemGroup {
  groupNo: number;
  cases: number;
  raised: number;
  households: number;
  representativeCaseId: number;
  representativeText: string;
  keywords: string[];
  cohesion: number;
  categories: { code: string; name: string; cases: number }[];
  villages: { code: string; name: string; town: string; cases: number }[];
  units: { id: number; name: string; cases: number }[];
  monthly: { month: string; cases: number }[];
  firstAt: Date;
  lastAt: Date;
  /** The common problem already made from this group, if any. */
  commonProblemId: number | null;
}

interface GroupRow {
  group_no: number;
  cases: number;
  raised: number;
  households: number;
  representative_case_id: number;
  representative_text: string;
  keywords: string[];
  cohesion: number;
  categories: CommonProblemGroup['categories'];
  villages: CommonProblemGroup['villages'];
  units: CommonProblemGroup['units'];
  monthly: CommonProblemGroup['monthly'];
  first_at: Date;
  last_at: Date;
  common_problem_id: number | null;
}

export async function readGroups(db: Queryable, runId: number, groupNo?: number): Promise<CommonProblemGroup[]> {
  const rows = await db.query<GroupRow>(sql`
    select g.*, (select p.id from common_problem p where p.source_run_id = g.run_id and p.source_group_no = g.group_no
                 order by p.id limit 1) as common_problem_id
    from common_problem_group g
    where g.run_id = ${runId} ${groupNo === undefined ? sql`` : sql`and g.group_no = ${groupNo}`}
    order by g.cases desc, g.group_no`);
  return rows.map((row) => ({
    groupNo: row.group_no,
    cases: row.cases,
    raised: row.raised,
    households: row.households,
    representativeCaseId: row.representative_case_id,
    representativeText: row.representative_text,
    keywords: row.keywords,
    cohesion: row.cohesion,
    categories: row.categories,
    villages: row.villages,
    units: row.units,
    monthly: row.monthly,
    firstAt: row.first_at,
    lastAt: row.last_at,
    commonProblemId: row.common_problem_id,
  }));
}

export interface MemberCase {
  id: number;
  trackingCode: string;
  title: string;
  description: string;
  state: string;
  categoryCode: string;
  villageName: string | null;
  townName: string | null;
  ownerName: string;
  createdAt: Date;
}

export async function readGroupCases(db: Queryable, runId: number, groupNo: number): Promise<MemberCase[]> {
  return memberCases(
    db,
    sql`c.id in (select case_id from common_problem_group_case where run_id = ${runId} and group_no = ${groupNo})`,
  );
}

async function memberCases(db: Queryable, condition: ReturnType<typeof sql>): Promise<MemberCase[]> {
  const rows = await db.query<{
    id: number;
    tracking_code: string;
    title: string;
    description: string;
    state: string;
    category_code: string;
    village_name: string | null;
    town_name: string | null;
    owner_name: string;
    created_at: Date;
  }>(sql`
    select c.id, c.tracking_code, c.title, c.description, c.state, c.category_code, v.name as village_name, t.name as town_name,
           u.name as owner_name, c.created_at
    from cases c left join region v on v.code = c.village_code left join region t on t.code = c.town_code
    join unit u on u.id = c.owner_unit_id
    where ${condition}
    order by c.created_at, c.id`);
  return rows.map((row) => ({
    id: row.id,
    trackingCode: row.tracking_code,
    title: row.title,
    description: row.description,
    state: row.state,
    categoryCode: row.category_code,
    villageName: row.village_name,
    townName: row.town_name,
    ownerName: row.owner_name,
    createdAt: row.created_at,
  }));
}

export interface CommonProblemInput {
  runId: number;
  groupNo: number;
  title?: string | undefined;
  description?: string | undefined;
  /** Only these members (default: every member of the group). */
  caseIds?: number[] | undefined;
}

export interface CommonProblem {
  id: number;
  title: string;
  description: string;
  categoryCode: string | null;
  status: string;
  createdAt: Date;
  createdBy: string;
  sourceRunId: number | null;
  sourceGroupNo: number | null;
  cases: MemberCase[];
  /** Members that were already linked to another common problem and were left there. */
  alreadyLinked: number[];
}

/** Makes a common problem from a group and links its cases (those not yet in another common problem), in one transaction. */
export async function createCommonProblem(
  db: Database,
  input: CommonProblemInput,
  actor: Actor,
  now: Date,
): Promise<CommonProblem> {
  const result = await db.transaction(async (tx) => {
    const [group] = await readGroups(tx, input.runId, input.groupNo);
    if (!group)
      throw new NotFoundError(`group ${input.groupNo} of analysis run ${input.runId} does not exist`, 'group_not_found');
    const members = (
      await tx.query<{ case_id: number }>(sql`
        select case_id from common_problem_group_case where run_id = ${input.runId} and group_no = ${input.groupNo}`)
    ).map((row) => row.case_id);
    const chosen = input.caseIds ?? members;
    const strangers = chosen.filter((id) => !members.includes(id));
    if (strangers.length > 0) {
      throw new InvalidInputError(`cases ${strangers.join(', ')} are not members of group ${input.groupNo}`, 'not_in_group');
    }
    if (chosen.length === 0) throw new InvalidInputError('choose at least one case to link', 'no_cases');
    const title = (input.title ?? group.keywords.slice(0, 4).join('、') + ' 等共性问题').trim().slice(0, 100);
    const [problem] = await tx.query<{ id: number }>(sql`
      insert into common_problem (title, description, category_code, created_by_user_id, created_at, updated_at, source_run_id, source_group_no)
      values (${title}, ${input.description ?? group.representativeText}, ${group.categories[0]?.code ?? null}, ${actor.userId},
              ${now}, ${now}, ${input.runId}, ${input.groupNo})
      returning id`);
    const linked = await tx.query<{ case_id: number }>(sql`
      insert into common_problem_case (common_problem_id, case_id, linked_by_user_id, linked_at)
      select ${problem!.id}, id, ${actor.userId}, ${now} from unnest(${chosen}::bigint[]) as id
      on conflict (case_id) do nothing
      returning case_id`);
    if (linked.length === 0) {
      throw new ConflictError('every chosen case is already linked to another common problem', 'already_linked');
    }
    const linkedIds = new Set(linked.map((row) => row.case_id));
    return { id: problem!.id, alreadyLinked: chosen.filter((id) => !linkedIds.has(id)) };
  });
  return { ...(await getCommonProblem(db, result.id)), alreadyLinked: result.alreadyLinked };
}

export async function getCommonProblem(db: Queryable, id: number): Promise<CommonProblem> {
  const [row] = await db.query<{
    id: number;
    title: string;
    description: string;
    category_code: string | null;
    status: string;
    created_at: Date;
    created_by: string;
    source_run_id: number | null;
    source_group_no: number | null;
  }>(sql`
    select p.id, p.title, p.description, p.category_code, p.status, p.created_at, u.display_name as created_by, p.source_run_id, p.source_group_no
    from common_problem p join app_user u on u.id = p.created_by_user_id where p.id = ${id}`);
  if (!row) throw new NotFoundError(`common problem ${id} does not exist`, 'common_problem_not_found');
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    categoryCode: row.category_code,
    status: row.status,
    createdAt: row.created_at,
    createdBy: row.created_by,
    sourceRunId: row.source_run_id,
    sourceGroupNo: row.source_group_no,
    cases: await memberCases(db, sql`c.id in (select case_id from common_problem_case where common_problem_id = ${id})`),
    alreadyLinked: [],
  };
}

export async function listCommonProblems(
  db: Queryable,
): Promise<{ id: number; title: string; status: string; cases: number; createdAt: Date; createdBy: string }[]> {
  const rows = await db.query<{
    id: number;
    title: string;
    status: string;
    cases: number;
    created_at: Date;
    created_by: string;
  }>(sql`
    select p.id, p.title, p.status, (select count(*) from common_problem_case pc where pc.common_problem_id = p.id) as cases,
           p.created_at, u.display_name as created_by
    from common_problem p join app_user u on u.id = p.created_by_user_id
    order by p.created_at desc, p.id desc limit 200`);
  return rows.map((row) => ({
    id: row.id,
    title: row.title,
    status: row.status,
    cases: row.cases,
    createdAt: row.created_at,
    createdBy: row.created_by,
  }));
}

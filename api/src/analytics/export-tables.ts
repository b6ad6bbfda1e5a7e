/** The tables of the leaders' view as export tables: Chinese headers first, English after. */
import type { AnalyticsRun } from './analytics-runs.ts';
import type { AssessmentEntry, SubjectKind } from './assessment.service.ts';
import type { CommonProblemGroup } from './common-problems.service.ts';
import type { EmergingRow } from './emerging-hotspots.service.ts';
import type { ExportColumn, ExportTable } from './exports.ts';
import type { HotspotGridRow } from './hotspots.service.ts';

const percent = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : null);
const count = (value: unknown) => (typeof value === 'number' ? value : null);

function computedNote(run: AnalyticsRun): string {
  return `计算时间 Computed at: ${run.computedAt?.toISOString() ?? '—'}（运行 run ${run.id}）`;
}

export const SUBJECT_TITLES: Record<SubjectKind, string> = {
  unit: '单位考核 Units',
  town: '镇街考核 Towns',
  village: '村社区考核 Villages',
  grid_worker: '网格员 Grid workers',
  village_cadre: '村干部积分 Village cadre points',
};

const UNIT_KIND_NAMES: Record<string, string> = {
  department: '区级部门',
  town_center: '镇街便民服务中心',
  village_station: '村社区便民服务站',
  command_center: '指挥中心',
  leader_office: '领导',
  liaison_point: '联系点',
};

function rankingColumns(kind: SubjectKind): ExportColumn<AssessmentEntry>[] {
  const rank: ExportColumn<AssessmentEntry> = {
    header: '排名 Rank',
    value: (row) => (row.tooFew ? '件数过少不排名 too few to rank' : row.rank),
    width: 14,
  };
  const name: ExportColumn<AssessmentEntry> = { header: '名称 Name', value: (row) => row.name, width: 28 };
  if (kind === 'grid_worker') {
    return [
      rank,
      name,
      { header: '所属村社区 Village', value: (row) => row.parent, width: 16 },
      { header: '网格数 Grids', value: (row) => count(row.counts.grids) },
      { header: '巡查天数 Days visited', value: (row) => count(row.counts.visitDays) },
      { header: '巡查覆盖率 Patrol coverage', value: (row) => percent(row.rates.coverage), format: '0.0%' },
      { header: '上报件数 Reports filed', value: (row) => count(row.counts.reports) },
      { header: '网格内办结 Resolved in grid', value: (row) => count(row.counts.resolvedInGrid) },
    ];
  }
  if (kind === 'village_cadre') {
    return [
      rank,
      name,
      { header: '所属镇街 Town', value: (row) => row.parent, width: 14 },
      { header: '积分 Points', value: (row) => row.score },
      { header: '村内办结 Resolved in village', value: (row) => count(row.counts.resolvedInVillage) },
      { header: '按期办结 Resolved on time', value: (row) => count(row.counts.resolvedOnTime) },
      { header: '满意 Satisfied', value: (row) => count(row.counts.satisfied) },
      { header: '不满意 Unsatisfied', value: (row) => count(row.counts.unsatisfied) },
      { header: '巡查上报 Patrol reports', value: (row) => count(row.counts.patrolReport) },
      { header: '黄牌 Yellow cards', value: (row) => count(row.counts.yellowCard) },
      { header: '红牌 Red cards', value: (row) => count(row.counts.redCard) },
    ];
  }
  return [
    rank,
    name,
    {
      header: kind === 'unit' ? '类型 Kind' : kind === 'village' ? '所属镇街 Town' : '所属区县 District',
      value: (row) => (kind === 'unit' ? (UNIT_KIND_NAMES[row.parent ?? ''] ?? row.parent) : row.parent),
      width: 16,
    },
    { header: '综合得分 Score', value: (row) => (row.score === null ? null : Math.round(row.score * 10) / 10) },
    { header: '件数 Cases', value: (row) => count(row.counts.cases) },
    { header: '响应率 Response rate', value: (row) => percent(row.rates.responseRate), format: '0.0%' },
    { header: '办结率 Closure rate', value: (row) => percent(row.rates.closureRate), format: '0.0%' },
    { header: '按期办结率 On-time rate', value: (row) => percent(row.rates.onTimeRate), format: '0.0%' },
    { header: '超期未办结 Open overdue', value: (row) => count(row.counts.openOverdue) },
    { header: '满意率 Satisfaction', value: (row) => percent(row.rates.satisfactionRate), format: '0.0%' },
    { header: '重办率 Redo rate', value: (row) => percent(row.rates.redoRate), format: '0.0%' },
    { header: '黄牌 Yellow cards', value: (row) => count(row.counts.yellowCards) },
    { header: '红牌 Red cards', value: (row) => count(row.counts.redCards) },
  ];
}

export function assessmentTable(
  kind: SubjectKind,
  entries: AssessmentEntry[],
  run: AnalyticsRun,
  label: string,
  weightsNote: string,
): ExportTable<AssessmentEntry> {
  return {
    title: SUBJECT_TITLES[kind],
    notes: [`${SUBJECT_TITLES[kind]} · ${label}`, weightsNote, computedNote(run)],
    columns: rankingColumns(kind),
    rows: entries,
  };
}

const BIN_WORDS: Record<string, string> = {
  '3': '热点 99% hot spot',
  '2': '热点 95% hot spot',
  '1': '热点 90% hot spot',
  '0': '不显著 not significant',
  '-1': '冷点 90% cold spot',
  '-2': '冷点 95% cold spot',
  '-3': '冷点 99% cold spot',
};

export function hotspotTable(rows: HotspotGridRow[], run: AnalyticsRun): ExportTable<HotspotGridRow> {
  const p = run.parameters as { from?: string; to?: string };
  return {
    title: '热点网格 Hot spot grids',
    notes: [`Getis-Ord Gi* · ${p.from} – ${p.to}`, computedNote(run)],
    columns: [
      { header: '网格编码 Grid code', value: (row) => row.gridCode, width: 18 },
      { header: '网格 Grid', value: (row) => row.gridName, width: 22 },
      { header: '村社区 Village', value: (row) => row.villageName, width: 14 },
      { header: '镇街 Town', value: (row) => row.townName, width: 14 },
      { header: '件数 Cases', value: (row) => row.cases },
      { header: '户数 Households', value: (row) => row.households },
      { header: '每千户件数 Per 1,000 households', value: (row) => row.rate, format: '0.0' },
      { header: 'z 值 z-score', value: (row) => row.z, format: '0.00' },
      { header: 'p 值 p-value', value: (row) => row.p, format: '0.0000' },
      {
        header: '置信度 Confidence',
        value: (row) => (row.households === 0 ? '无户数 no households' : BIN_WORDS[String(row.bin)]!),
      },
    ],
    rows,
  };
}

export function emergingTable(
  rows: EmergingRow[],
  run: AnalyticsRun,
  categoryNames: Record<string, string>,
): ExportTable<EmergingRow> {
  return {
    title: '新兴热点 Emerging hot spots',
    notes: [`Emerging hot spots · ${JSON.stringify(run.parameters)}`, computedNote(run)],
    columns: [
      { header: '网格编码 Grid code', value: (row) => row.gridCode, width: 18 },
      { header: '网格 Grid', value: (row) => row.gridName, width: 22 },
      { header: '村社区 Village', value: (row) => row.villageName },
      { header: '镇街 Town', value: (row) => row.townName },
      { header: '类别 Category', value: (row) => categoryNames[row.category] ?? row.category, width: 24 },
      { header: '件数 Cases', value: (row) => row.cases },
      { header: '热点周数 Hot weeks', value: (row) => row.hotWeeks },
      { header: '冷点周数 Cold weeks', value: (row) => row.coldWeeks },
      { header: '趋势 z Trend z', value: (row) => row.trendZ, format: '0.00' },
      { header: '趋势 p Trend p', value: (row) => row.trendP, format: '0.0000' },
    ],
    rows,
  };
}

export function commonProblemTable(rows: CommonProblemGroup[], run: AnalyticsRun): ExportTable<CommonProblemGroup> {
  return {
    title: '共性问题 Common problems',
    notes: [`共性问题分组 Common-problem groups · ${JSON.stringify(run.parameters)}`, computedNote(run)],
    columns: [
      { header: '组号 Group', value: (row) => row.groupNo },
      { header: '件数 Cases', value: (row) => row.cases },
      { header: '反映人次 Residents', value: (row) => row.raised },
      { header: '涉及户数 Households', value: (row) => row.households },
      { header: '关键词 Keywords', value: (row) => row.keywords.join(' '), width: 30 },
      { header: '代表性诉求 Representative text', value: (row) => row.representativeText, width: 60 },
      { header: '村社区 Villages', value: (row) => row.villages.map((village) => village.name).join('、'), width: 40 },
      { header: '承办单位 Units', value: (row) => row.units.map((unit) => unit.name).join('、'), width: 30 },
      { header: '首次 First', value: (row) => row.firstAt.toISOString().slice(0, 10) },
      { header: '最近 Last', value: (row) => row.lastAt.toISOString().slice(0, 10) },
    ],
    rows,
  };
}

/** ArcGIS's emerging hot spot categories in Chinese and English. */
export const EMERGING_CATEGORY_NAMES: Record<string, string> = {
  new_hot: '新增热点 New hot spot',
  consecutive_hot: '连续热点 Consecutive hot spot',
  intensifying_hot: '加剧热点 Intensifying hot spot',
  persistent_hot: '持续热点 Persistent hot spot',
  diminishing_hot: '减弱热点 Diminishing hot spot',
  sporadic_hot: '零星热点 Sporadic hot spot',
  oscillating_hot: '振荡热点 Oscillating hot spot',
  historical_hot: '历史热点 Historical hot spot',
  new_cold: '新增冷点 New cold spot',
  consecutive_cold: '连续冷点 Consecutive cold spot',
  intensifying_cold: '加剧冷点 Intensifying cold spot',
  persistent_cold: '持续冷点 Persistent cold spot',
  diminishing_cold: '减弱冷点 Diminishing cold spot',
  sporadic_cold: '零星冷点 Sporadic cold spot',
  oscillating_cold: '振荡冷点 Oscillating cold spot',
  historical_cold: '历史冷点 Historical cold spot',
  no_pattern: '无显著模式 No pattern detected',
};

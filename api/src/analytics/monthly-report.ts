/**
 * The printable monthly report (月度报告): print-ready HTML — A4, charts as
 * inline SVG, tables — that a leader prints or saves as PDF from the
 * browser. Everything is escaped; nothing is fetched from elsewhere.
 */
import type { AnalyticsRun } from './analytics-runs.ts';
import type { AssessmentEntry } from './assessment.service.ts';
import type { ChartData } from './charts.service.ts';
import type { CommonProblemGroup } from './common-problems.service.ts';

const escape = (text: unknown) =>
  String(text ?? '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');

const percent = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? `${(value * 100).toFixed(1)}%` : '—');

/** A horizontal or vertical bar chart as SVG. */
export function barChart(
  title: string,
  bars: { label: string; value: number }[],
  options: { width?: number; colour?: string } = {},
): string {
  const width = options.width ?? 680;
  const colour = options.colour ?? '#3b6fb6';
  if (bars.length === 0 || bars.every((bar) => bar.value === 0)) {
    return `<figure><figcaption>${escape(title)}</figcaption><p class="empty">本期无数据 No data in this period</p></figure>`;
  }
  const rowHeight = 22;
  const labelWidth = 150;
  const max = Math.max(...bars.map((bar) => bar.value));
  const height = bars.length * rowHeight + 10;
  const rows = bars
    .map((bar, index) => {
      const length = max > 0 ? ((width - labelWidth - 60) * bar.value) / max : 0;
      const y = index * rowHeight + 5;
      return `<text x="${labelWidth - 6}" y="${y + 15}" text-anchor="end">${escape(bar.label)}</text>
        <rect x="${labelWidth}" y="${y + 3}" width="${length.toFixed(1)}" height="${rowHeight - 8}" fill="${colour}"/>
        <text x="${(labelWidth + length + 4).toFixed(1)}" y="${y + 15}">${bar.value}</text>`;
    })
    .join('');
  return `<figure><figcaption>${escape(title)}</figcaption>
    <svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-size="12">${rows}</svg></figure>`;
}

/** Columns over time (weekly cases) as SVG. */
export function columnChart(title: string, columns: { label: string; value: number }[]): string {
  const width = 680;
  const height = 180;
  if (columns.length === 0) {
    return `<figure><figcaption>${escape(title)}</figcaption><p class="empty">本期无数据 No data in this period</p></figure>`;
  }
  const max = Math.max(1, ...columns.map((column) => column.value));
  const step = (width - 40) / columns.length;
  const bars = columns
    .map((column, index) => {
      const barHeight = ((height - 40) * column.value) / max;
      const x = 30 + index * step;
      return `<rect x="${x.toFixed(1)}" y="${(height - 20 - barHeight).toFixed(1)}" width="${(step * 0.7).toFixed(1)}" height="${barHeight.toFixed(1)}" fill="#3b6fb6"/>
        <text x="${(x + step * 0.35).toFixed(1)}" y="${height - 6}" text-anchor="middle" font-size="9">${escape(column.label.slice(5))}</text>
        <text x="${(x + step * 0.35).toFixed(1)}" y="${(height - 24 - barHeight).toFixed(1)}" text-anchor="middle" font-size="9">${column.value}</text>`;
    })
    .join('');
  return `<figure><figcaption>${escape(title)}</figcaption>
    <svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-size="11">${bars}</svg></figure>`;
}

const CHANNEL_NAMES: Record<string, string> = {
  hotline: '热线',
  liaison_point: '联系点',
  web: '网站',
  sms: '短信',
  wechat: '微信',
  email: '邮件',
  mayor_mailbox: '区长信箱',
  market_day: '赶场面对面',
  patrol: '网格员巡查',
  open311: 'Open311',
};

export interface MonthlyReportInput {
  month: string;
  district: string;
  charts: ChartData;
  units: AssessmentEntry[];
  towns: AssessmentEntry[];
  assessmentRun: AnalyticsRun | null;
  groups: CommonProblemGroup[];
  generatedAt: Date;
  weightsNote: string;
}

function rankingTable(entries: AssessmentEntry[], limit: number): string {
  const ranked = entries.filter((entry) => !entry.tooFew).slice(0, limit);
  const apart = entries.filter((entry) => entry.tooFew);
  const rows = ranked
    .map(
      (
        entry,
      ) => `<tr><td>${entry.rank ?? '—'}</td><td>${escape(entry.name)}</td><td>${entry.score === null ? '—' : entry.score.toFixed(1)}</td>
        <td>${escape(entry.counts.cases)}</td><td>${percent(entry.rates.responseRate)}</td><td>${percent(entry.rates.closureRate)}</td>
        <td>${percent(entry.rates.onTimeRate)}</td><td>${escape(entry.counts.openOverdue)}</td><td>${percent(entry.rates.satisfactionRate)}</td>
        <td>${percent(entry.rates.redoRate)}</td><td>${escape(entry.counts.yellowCards)}/${escape(entry.counts.redCards)}</td></tr>`,
    )
    .join('');
  return `<table><thead><tr><th>排名</th><th>名称</th><th>得分</th><th>件数</th><th>响应率</th><th>办结率</th><th>按期办结率</th>
    <th>超期未结</th><th>满意率</th><th>重办率</th><th>黄/红牌</th></tr></thead><tbody>${rows || '<tr><td colspan="11">本期无数据</td></tr>'}</tbody></table>
    ${apart.length ? `<p class="note">件数过少不排名 Too few cases to rank: ${apart.map((entry) => escape(entry.name)).join('、')}</p>` : ''}`;
}

export function monthlyReportHtml(input: MonthlyReportInput): string {
  const { charts } = input;
  const groups = input.groups
    .slice(0, 10)
    .map(
      (group) => `<tr><td>${group.cases}</td><td>${group.raised}</td><td>${escape(group.keywords.slice(0, 4).join(' '))}</td>
        <td>${escape(group.representativeText)}</td><td>${escape(group.villages.map((village) => village.name).join('、'))}</td></tr>`,
    )
    .join('');
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>${escape(input.district)} ${escape(input.month)} 群众诉求月度报告</title>
<style>
  @page { size: A4; margin: 16mm 14mm; }
  body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif; color: #1d2733; font-size: 12px; margin: 0 auto; max-width: 720px; }
  h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 15px; border-bottom: 2px solid #3b6fb6; padding-bottom: 3px; margin-top: 22px; }
  .meta { color: #5b6675; margin-bottom: 10px; } .figures { display: flex; gap: 18px; margin: 10px 0; }
  .figure { border: 1px solid #cfd8e3; border-radius: 4px; padding: 6px 12px; } .figure b { display: block; font-size: 18px; }
  table { border-collapse: collapse; width: 100%; margin: 6px 0; font-size: 11px; } th, td { border: 1px solid #cfd8e3; padding: 3px 5px; text-align: left; }
  th { background: #e8eef7; } figure { margin: 8px 0; break-inside: avoid; } figcaption { font-weight: 600; margin-bottom: 4px; }
  .note, .empty { color: #5b6675; } section { break-inside: avoid-page; }
  @media print { .no-print { display: none; } }
</style></head>
<body>
<p class="no-print"><button onclick="window.print()">打印 / 另存为 PDF · Print or save as PDF</button></p>
<h1>${escape(input.district)} 群众诉求月度报告 · ${escape(input.month)}</h1>
<p class="meta">Monthly report of residents' requests · 生成于 generated ${escape(input.generatedAt.toISOString())}
${input.assessmentRun ? ` · 考核计算于 assessment computed ${escape(input.assessmentRun.computedAt?.toISOString())}` : ' · 本月考核尚未计算 assessment not computed yet'}</p>
<div class="figures">
  <div class="figure">诉求件数 Cases<b>${charts.total}</b></div>
  <div class="figure">办结中位天数 Median days to resolve<b>${charts.medianDaysToResolve === null ? '—' : charts.medianDaysToResolve.toFixed(1)}</b></div>
  <div class="figure">共性问题 Common problems<b>${input.groups.length}</b></div>
</div>
<section><h2>一、诉求趋势 Trend</h2>
${columnChart(
  '每周诉求件数 Cases per week',
  charts.weekly.map((week) => ({ label: week.week, value: week.cases })),
)}
${barChart(
  '诉求类别 Categories',
  charts.categories.slice(0, 12).map((row) => ({ label: row.name, value: row.cases })),
)}
${barChart(
  '受理渠道 Channels',
  charts.channels.map((row) => ({ label: CHANNEL_NAMES[row.channel] ?? row.channel, value: row.cases })),
  { colour: '#5a9a6e' },
)}
${barChart(
  '办结用时（天） Days to resolve',
  charts.timeToResolve.map((row) => ({ label: row.band, value: row.cases })),
  { colour: '#c77c2e' },
)}
</section>
<section><h2>二、单位考核 Units</h2><p class="note">${escape(input.weightsNote)}</p>${rankingTable(input.units, 20)}</section>
<section><h2>三、镇街考核 Towns</h2>${rankingTable(input.towns, 52)}</section>
<section><h2>四、共性问题 Common problems</h2>
<table><thead><tr><th>件数</th><th>人次</th><th>关键词</th><th>代表性诉求</th><th>涉及村社区</th></tr></thead>
<tbody>${groups || '<tr><td colspan="5">本期未发现共性问题 No common problem found</td></tr>'}</tbody></table></section>
</body></html>`;
}

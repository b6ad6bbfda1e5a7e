import { describe, expect, it } from 'vitest';
import { formatArea, isSliver, MAX_LISTED, ReportBuilder } from './import-report.ts';

describe('the import report', () => {
  it('calls an overlap a sliver when it is tiny next to the shapes and in absolute terms', () => {
    expect(isSliver(500, 2_000_000)).toBe(true);
    expect(isSliver(5_000, 20_000_000)).toBe(false); // more than 1,000 m²
    expect(isSliver(300, 100_000)).toBe(false); // more than 0.1 % of the smaller shape
  });

  it('lists errors first, caps each check, and counts what it leaves out', () => {
    const report = new ReportBuilder('buildings', false);
    report.add({ check: 'gap', severity: 'warning', message: 'a gap' });
    for (let row = 1; row <= MAX_LISTED + 5; row++)
      report.add({ check: 'bad_number', severity: 'error', position: row, message: `row ${row}` });
    report.addUnlisted('error', 1_000);
    const built = report.build(new Date('2026-11-25T00:00:00Z'));
    expect(built.problems[0]).toMatchObject({ check: 'bad_number', position: 1 });
    expect(built.problems.at(-1)).toMatchObject({ check: 'gap' });
    expect(built.problems.filter((problem) => problem.check === 'bad_number')).toHaveLength(MAX_LISTED);
    expect(built).toMatchObject({ errors: MAX_LISTED + 5 + 1_000, warnings: 1, omitted: 5 + 1_000, canCommit: false });
  });

  it('writes areas in the unit that reads best', () => {
    expect([12.4, 52_000, 21_580_000].map(formatArea)).toEqual(['12 m²', '5.20 ha', '21.58 km²']);
  });
});

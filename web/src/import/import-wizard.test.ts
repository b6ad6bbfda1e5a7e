import { describe, expect, it } from 'vitest';
import type { ImportFile, ImportReport } from './import-api.ts';
import { effectiveSettings, missingTargets, passwordsCsv, problemCounts, readingShare, setupProblems } from './import-wizard.ts';

const file = (overrides: Partial<ImportFile> = {}): ImportFile => ({
  fileNo: 1,
  name: 'villages.zip',
  upload: 'villages.zip',
  format: 'shapefile',
  status: 'read',
  records: 10,
  summary: null,
  progress: null,
  suggested: { include: true, level: 'village', fields: { code: '区划代码', name: '名称', parentCode: null } },
  ...overrides,
});

describe('the import wizard', () => {
  it('takes the user’s mapping over the suggestion, field by field', () => {
    const settings = effectiveSettings(file(), { fields: { name: 'XZQMC' } });
    expect(settings).toMatchObject({
      include: true,
      level: 'village',
      fields: { code: '区划代码', name: 'XZQMC', parentCode: null },
    });
    expect(effectiveSettings(file(), { include: false }).include).toBe(false);
  });

  it('names the required fields a file does not map', () => {
    expect(missingTargets('jurisdiction', { fields: { code: 'CODE' } })).toEqual(['name']);
    expect(missingTargets('units', { table: 'users', fields: { username: 'u' } })).toEqual(['role']);
    expect(missingTargets('buildings', { fields: { address: '地址' } })).toEqual([]);
  });

  it('checks the first administrator’s form', () => {
    expect(setupProblems({ code: 'ABCD-EFGH-JKLM', username: 'admin', password: 'long enough', repeat: 'long enough' })).toEqual(
      [],
    );
    expect(setupProblems({ code: 'abc', username: 'A', password: 'short', repeat: 'other' })).toEqual([
      'code',
      'username',
      'password',
      'repeat',
    ]);
  });

  it('follows a file from bytes received to records read', () => {
    expect(readingShare(file({ status: 'reading', progress: null }))).toBeNull();
    expect(
      readingShare(
        file({
          status: 'reading',
          progress: { phase: 'receiving', bytesRead: 25, totalBytes: 100, records: 0, totalRecords: null },
        }),
      ),
    ).toBe(0.25);
    expect(
      readingShare(
        file({
          status: 'reading',
          progress: { phase: 'reading', bytesRead: 100, totalBytes: 100, records: 30, totalRecords: 40 },
        }),
      ),
    ).toBe(0.75);
    expect(readingShare(file())).toBe(1);
  });

  it('counts problems by check, errors first', () => {
    const problem = (check: string, severity: 'error' | 'warning') => ({
      check,
      severity,
      file: null,
      fileNo: null,
      position: null,
      code: null,
      name: null,
      message: '',
      location: null,
      areaSquareMetres: null,
    });
    const report = {
      problems: [problem('gap', 'warning'), problem('overlap', 'error'), problem('overlap', 'error')],
    } as ImportReport;
    expect(problemCounts(report)).toEqual([
      { check: 'overlap', severity: 'error', count: 2 },
      { check: 'gap', severity: 'warning', count: 1 },
    ]);
  });

  it('writes the generated passwords as a CSV file', () => {
    expect(passwordsCsv([{ username: 'duty', password: 'abc123DEF456' }])).toBe('username,password\nduty,abc123DEF456\n');
  });
});

import { describe, expect, it } from 'vitest';
import {
  JURISDICTION_TARGETS,
  levelFromWord,
  normaliseRegionCode,
  roleFromWord,
  suggestMapping,
  unitKindFromWord,
  USER_TARGETS,
} from './field-mapping.ts';
import { levelFromFileName, suggestFileSettings } from './import-settings.ts';

describe('field mapping', () => {
  it('finds code, name and parent in the headers a natural-resources bureau exports', () => {
    expect(suggestMapping(['OBJECTID', 'XZQDM', 'XZQMC', 'SJDM', 'Shape_Area'], JURISDICTION_TARGETS)).toMatchObject({
      code: 'XZQDM',
      name: 'XZQMC',
      parentCode: 'SJDM',
      level: null,
    });
    expect(suggestMapping(['区划代码', '名称', '级别'], JURISDICTION_TARGETS)).toMatchObject({
      code: '区划代码',
      name: '名称',
      level: '级别',
    });
    // Each header serves one target.
    const mapping = suggestMapping(['村名', '村代码'], JURISDICTION_TARGETS);
    expect(mapping.code).toBe('村代码');
    expect(mapping.name).toBe('村名');
  });

  it('tells a users table from a units table by its headers', () => {
    expect(
      suggestFileSettings('units', 'users.csv', [
        { name: '用户名', filled: 1, samples: [] },
        { name: '角色', filled: 1, samples: [] },
      ]),
    ).toMatchObject({
      table: 'users',
      fields: { username: '用户名', role: '角色' },
    });
    expect(suggestMapping(['用户名', '姓名', '角色', '单位编码', '密码'], USER_TARGETS)).toMatchObject({
      username: '用户名',
      displayName: '姓名',
      role: '角色',
      unitCode: '单位编码',
      password: '密码',
    });
  });

  it('reads levels, kinds and roles written in Chinese or English', () => {
    expect(['区县', '镇', '街道', '村', '社区', 'town', '3'].map(levelFromWord)).toEqual([
      'district',
      'town',
      'town',
      'village',
      'village',
      'town',
      'village',
    ]);
    expect(levelFromWord('网格')).toBeNull();
    expect(unitKindFromWord('主要领导')).toEqual({ kind: 'leader_office', ladderLevel: 5 });
    expect(unitKindFromWord('便民服务站')).toEqual({ kind: 'village_station', ladderLevel: null });
    expect(unitKindFromWord('秘密部门')).toBeNull();
    expect(roleFromWord('网格员')).toBe('grid_worker');
    expect(roleFromWord('Department_Handler')).toBe('department_handler');
  });

  it('pads county and town codes to 12 digits and leaves anything else for the checks', () => {
    expect(normaliseRegionCode('500101')).toBe('500101000000');
    expect(normaliseRegionCode(' 500101001 ')).toBe('500101001000');
    expect(normaliseRegionCode('500101001001.0')).toBe('500101001001');
    expect(normaliseRegionCode('50010100100X')).toBe('50010100100X');
  });

  it('guesses a file’s level from its name', () => {
    expect(['villages.zip', '村界.shp', 'towns', '乡镇界', 'county.shp', 'boundaries.geojson'].map(levelFromFileName)).toEqual([
      'village',
      'village',
      'town',
      'town',
      'district',
      null,
    ]);
  });
});

/**
 * Which field of a file holds what: suggested from the header names county
 * data really uses (Chinese and English, pinyin abbreviations of the
 * natural-resources bureau's schemas), and the words found in level, kind and
 * role columns. Pure functions; the wizard shows the suggestion and the user
 * corrects it.
 */
import type { RegionLevel, Role, UnitKind } from '@minqing/shared';

export const JURISDICTION_TARGETS = ['code', 'name', 'fullName', 'parentCode', 'level', 'kind'] as const;
export const GRID_TARGETS = ['code', 'name', 'villageCode'] as const;
export const BUILDING_TARGETS = ['address', 'name', 'households', 'residents', 'kind', 'floors', 'villageCode'] as const;
export const UNIT_TARGETS = ['code', 'name', 'kind', 'ladderLevel', 'regionCode', 'parentCode', 'leaderCode', 'phone'] as const;
export const USER_TARGETS = ['username', 'displayName', 'role', 'unitCode', 'regionCode', 'phone', 'password'] as const;

export type MappingTarget =
  | (typeof JURISDICTION_TARGETS)[number]
  | (typeof BUILDING_TARGETS)[number]
  | (typeof UNIT_TARGETS)[number]
  | (typeof USER_TARGETS)[number];

/** Header patterns per target, most specific first. */
const PATTERNS: Record<string, RegExp[]> = {
  code: [
    /^(code|区划代码|行政区划代码|统计用区划代码|xzqdm|qhdm|xzqhdm|zldwdm|cundm|xzdm|单位编码|单位代码|网格编码|网格代码|wgbm|wgdm)$/i,
    /代码$|编码$|^dm$|_?code$/i,
  ],
  name: [
    /^(name|名称|区划名称|xzqmc|qhmc|zldwmc|单位名称|网格名称|wgmc|mc)$/i,
    /名称$|^name_?|_?name$|^(村|镇|乡|街道|社区)名$/i,
  ],
  fullName: [/^(full_?name|全称|完整名称|村委会名称)$/i],
  parentCode: [/^(parent(_?code)?|上级代码|上级区划代码|上级编码|父级代码|sjdm|sjqhdm)$/i, /^上级.*(代码|编码)$/],
  level: [/^(level|级别|层级|区划级别|行政级别|jb|cj)$/i],
  kind: [/^(kind|type|类型|类别|单位类型|区划类型|lx)$/i],
  villageCode: [/^(village_?code|村代码|村社区代码|村区划代码|所属村代码|cdm)$/i],
  address: [/^(address|地址|住址|门牌地址|楼栋地址|详细地址|dz|户籍地址|居住地址)$/i, /地址$/],
  households: [/^(households|户数|住户数|hs)$/i],
  residents: [/^(residents|population|人口|人数|常住人口|户内人数|家庭人口|rk|rs)$/i, /人口|人数/],
  floors: [/^(floors|层数|楼层数|cs)$/i],
  ladderLevel: [/^(ladder_?level|层级|梯级|处理层级)$/i],
  regionCode: [/^(region_?code|区划代码|所属区划|所属区划代码|辖区代码)$/i],
  leaderCode: [/^(leader_?(unit_?)?code|分管领导单位编码|分管领导编码|分管领导)$/i],
  phone: [/^(phone|电话|联系电话|手机|手机号|dh)$/i],
  username: [/^(username|user|用户名|账号|登录名|帐号)$/i],
  displayName: [/^(display_?name|姓名|名字|xm)$/i],
  role: [/^(role|角色|身份|岗位)$/i],
  unitCode: [/^(unit_?code|单位编码|所属单位|所属单位编码|单位代码)$/i],
  password: [/^(password|密码|初始密码)$/i],
};

/** The field suggested for each target: the first header matching its patterns, each header used once. */
export function suggestMapping(fieldNames: readonly string[], targets: readonly string[]): Record<string, string | null> {
  const used = new Set<string>();
  const mapping: Record<string, string | null> = {};
  // Specific patterns across all targets first, then the looser ones.
  for (const round of [0, 1]) {
    for (const target of targets) {
      if (mapping[target]) continue;
      const pattern = PATTERNS[target]?.[round];
      const field = pattern ? fieldNames.find((name) => !used.has(name) && pattern.test(name.trim())) : undefined;
      if (field) {
        used.add(field);
        mapping[target] = field;
      }
    }
  }
  for (const target of targets) mapping[target] ??= null;
  return mapping;
}

const LEVEL_WORDS: [RegExp, RegionLevel][] = [
  [/^(district|county|区县|县|区|县级|区级|市辖区|县级市|旗|1)$/i, 'district'],
  [/^(town|street|township|镇|乡|街道|乡镇|镇街|镇乡街道|乡镇街道|乡级|镇级|苏木|2)$/i, 'town'],
  [/^(village|community|村|社区|村社区|村居|村级|居委会|居民委员会|村民委员会|嘎查|3)$/i, 'village'],
];

/** The level a level column's word names, or null. */
export function levelFromWord(word: string): RegionLevel | null {
  const text = word.trim();
  return LEVEL_WORDS.find(([pattern]) => pattern.test(text))?.[1] ?? null;
}

/** The 12-digit form of a division code: 6 digits (county) and 9 digits (town) are padded; anything else is returned as written. */
export function normaliseRegionCode(raw: string): string {
  const text = raw.trim().replace(/\.0+$/, '');
  if (/^[0-9]{6}$/.test(text)) return `${text}000000`;
  if (/^[0-9]{9}$/.test(text)) return `${text}000`;
  return text;
}

const UNIT_KIND_WORDS: [RegExp, UnitKind, 4 | 5 | null][] = [
  [/^(command_?center|指挥中心|群众工作指挥中心|综治中心)$/i, 'command_center', null],
  [/^(department|部门|区级部门|县级部门|职能部门)$/i, 'department', null],
  [/^(town_?cent(er|re)|便民服务中心|镇街|镇（街道）便民服务中心|镇街便民服务中心|乡镇)$/i, 'town_center', null],
  [/^(village_?station|便民服务站|村社|村（社区）便民服务站|村社区便民服务站)$/i, 'village_station', null],
  [/^(liaison_?point|联系点|群众工作联系点)$/i, 'liaison_point', null],
  [/^(principal_?leader|主要领导|区委区政府主要领导)$/i, 'leader_office', 5],
  [/^(leader_?office|leader_?in_?charge|分管领导|领导|区领导)$/i, 'leader_office', 4],
];

/** A unit kind from its word, with the ladder level a leader word implies. */
export function unitKindFromWord(word: string): { kind: UnitKind; ladderLevel: 4 | 5 | null } | null {
  const text = word.trim();
  const found = UNIT_KIND_WORDS.find(([pattern]) => pattern.test(text));
  return found ? { kind: found[1], ladderLevel: found[2] } : null;
}

const ROLE_WORDS: [RegExp, Role][] = [
  [/^(administrator|admin|管理员|系统管理员)$/i, 'administrator'],
  [/^(dispatcher|值班员|指挥中心值班员|调度员|坐席)$/i, 'dispatcher'],
  [/^(leader|领导|分管领导|主要领导)$/i, 'leader'],
  [/^(department_?handler|部门经办人|经办人|部门)$/i, 'department_handler'],
  [/^(town_?officer|镇街干部|乡镇干部|街道干部)$/i, 'town_officer'],
  [/^(village_?cadre|村社干部|村干部|社区干部)$/i, 'village_cadre'],
  [/^(grid_?worker|网格员)$/i, 'grid_worker'],
  [/^(planner|网格规划员|规划员)$/i, 'planner'],
  [/^(wall_?viewer|大屏查看|大屏)$/i, 'wall_viewer'],
];

export function roleFromWord(word: string): Role | null {
  const text = word.trim();
  return ROLE_WORDS.find(([pattern]) => pattern.test(text))?.[1] ?? null;
}

/** The ladder level of a unit kind (leader offices: 4 unless told 5). */
export function ladderLevelOf(kind: UnitKind, leaderLevel: 4 | 5 | null): 1 | 2 | 3 | 4 | 5 {
  switch (kind) {
    case 'village_station':
    case 'liaison_point':
      return 1;
    case 'town_center':
      return 2;
    case 'command_center':
    case 'department':
      return 3;
    case 'leader_office':
      return leaderLevel ?? 4;
  }
}

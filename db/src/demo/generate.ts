/**
 * Builds the whole demo district in memory: pure computation, no database.
 * write.ts stores the result.
 */
import { gridCode, partitionVillage, unionCells, type PartitionSite, type RegionKind, type RingPolygon } from '@minqing/shared';
import { scatterAtoms, type Atoms } from './atoms.ts';
import { roadFeatures, riverFeatures, type LocalFeature, type LocalGeometry, type RoadNode } from './basemap.ts';
import { loadDivisions, type DivisionVillage } from './divisions.ts';
import { localFrame } from './frame.ts';
import { buildLandscape, type Vector } from './landscape.ts';
import { DEPARTMENTS, LEADER_OFFICES, personName, phoneNumber, type DemoUnit, type DemoUser } from './organisation.ts';
import { Random, ValueNoise } from './random.ts';
import { settleVillage, villageHouseholds, type DemoBuilding, type Hamlet } from './settlement.ts';
import { growBalanced, nearestAtom, placeTownCentres, spreadAtoms, type TownPlace } from './territory.ts';

export const DEMO_COUNTY_CODE = '500101';
/** The district's centre (the origin of the generator's local plane). */
export const DEMO_ORIGIN: [number, number] = [108.4, 30.8];

type Position = [number, number];
export type MultiPolygonCoordinates = Position[][][];

export interface DemoRegion {
  code: string;
  name: string;
  fullName: string;
  level: 'district' | 'town' | 'village';
  kind: RegionKind;
  parentCode: string | null;
  boundary: MultiPolygonCoordinates;
}

export interface DemoGrid {
  code: string;
  villageCode: string;
  name: string;
  households: number;
  population: number;
  flag: string | null;
  boundary: MultiPolygonCoordinates;
}

export interface DemoBuildingRecord {
  villageCode: string;
  lon: number;
  lat: number;
  kind: DemoBuilding['kind'];
  floors: number;
  households: number;
  residents: number;
  address: string;
  name: string | null;
}

export interface DemoBasemapFeature {
  layer: LocalFeature['layer'];
  kind: string;
  name: string | null;
  geometry: { type: string; coordinates: unknown };
}

export interface DemoDistrict {
  regions: DemoRegion[];
  grids: DemoGrid[];
  buildings: DemoBuildingRecord[];
  basemap: DemoBasemapFeature[];
  units: DemoUnit[];
  users: DemoUser[];
  assignments: { gridCode: string; username: string; duty: 'grid_worker' | 'information_staff' }[];
}

export interface BuildOptions {
  seed: number;
  scale: number;
  log?: (message: string, details?: Record<string, unknown>) => void;
}

export function buildDemoDistrict({ seed, scale, log = () => {} }: BuildOptions): DemoDistrict {
  if (!(scale > 0) || scale > 20) throw new RangeError(`demo scale must be above 0 and at most 20, got ${scale}`);
  const started = performance.now();
  const lap = (message: string, details: Record<string, unknown> = {}) =>
    log(message, { ...details, ms: Math.round(performance.now() - started) });
  const random = new Random(seed);
  const divisions = loadDivisions(DEMO_COUNTY_CODE);
  const frame = localFrame(...DEMO_ORIGIN);
  const landscape = buildLandscape(random.fork('landscape'));
  const places = placeTownCentres(divisions.towns, landscape, random.fork('towns'));

  // A smaller district (scale < 1) uses coarser atoms too, so tests run fast.
  const coarse = 1 / Math.sqrt(Math.min(1, Math.max(0.05, scale)));
  const atoms = scatterAtoms(landscape, random.fork('atoms'), {
    ruralSpacing: 230 * coarse,
    urbanSpacing: 75 * coarse,
    outsideSpacing: 700 * coarse,
    denseZones: places
      .filter((place) => place.setting !== 'inner')
      .map((place) => ({ centre: place.centre, radius: 750, spacing: 95 * coarse })),
  });
  lap('demo: atoms scattered', { atoms: atoms.count });

  // Towns grow from their centres over the district's atoms.
  const noise = new ValueNoise(random.fork('noise'));
  const insideAtoms = Array.from({ length: atoms.count }, (_, atom) => atom).filter((atom) => atoms.inside[atom]);
  const townSeeds = places.map((place) => ({
    atom: nearestAtom(atoms, place.centre, insideAtoms),
    speed: place.setting === 'inner' ? 0.5 : 0.55 + 0.12 * Math.sqrt(place.town.villages.length),
  }));
  // Shares of land: a rural town in proportion to its villages; a city street much less.
  const townShares = places.map(
    (place) => place.town.villages.length * (place.setting === 'inner' ? 0.12 : place.setting === 'outer' ? 0.7 : 1),
  );
  const towns = growBalanced(atoms, townSeeds, townShares, (atom) => atoms.inside[atom] === 1, noise, 1.3, atoms.area);
  const townOf = towns.owner;
  // An atom no town reached (cut off at a ragged edge) is left out of the district.
  for (const atom of insideAtoms) if (townOf[atom] === -1) atoms.inside[atom] = 0;
  const townAtoms = places.map(() => [] as number[]);
  for (let atom = 0; atom < atoms.count; atom++) if (townOf[atom]! >= 0) townAtoms[townOf[atom]!]!.push(atom);

  // Villages grow from their centres inside their town.
  const atomCount = new Float64Array(atoms.count).fill(1);
  const villageOf = new Int32Array(atoms.count).fill(-1);
  const villageList: { village: DivisionVillage; place: TownPlace; seedAtom: number; isSeat: boolean }[] = [];
  places.forEach((place, townIndex) => {
    const candidates = townAtoms[townIndex]!;
    const villages = [...place.town.villages].sort((a, b) =>
      a.kind === b.kind ? a.code.localeCompare(b.code) : a.kind === 'community' ? -1 : 1,
    );
    const communities = villages.filter((village) => village.kind === 'community');
    const townRandom = random.fork(`villages-${place.town.code}`);
    let communitySeeds: number[];
    if (place.setting === 'inner') {
      communitySeeds = spreadAtoms(atoms, candidates, communities.length, townRandom, towns.seeds[townIndex]!);
    } else {
      const radius = 700 * Math.sqrt(Math.max(1, communities.length));
      const near = candidates.filter(
        (atom) => Math.hypot(atoms.x[atom]! - place.centre.x, atoms.y[atom]! - place.centre.y) < radius,
      );
      communitySeeds = spreadAtoms(
        atoms,
        near.length >= communities.length ? near : candidates,
        communities.length,
        townRandom,
        towns.seeds[townIndex]!,
      );
    }
    const villageSeeds = spreadAtoms(
      atoms,
      candidates.filter((atom) => !communitySeeds.includes(atom)),
      villages.length - communities.length,
      townRandom,
      undefined,
      communitySeeds,
    );
    const seeds = [...communitySeeds, ...villageSeeds];
    // A town-seat community is small and dense; villages share the countryside.
    const shares = villages.map((village) =>
      village.kind === 'community' ? (place.setting === 'inner' ? 1 : 0.3) : place.setting === 'inner' ? 1.6 : 1,
    );
    const grown = growBalanced(
      atoms,
      seeds.map((atom) => ({ atom, speed: 1 })),
      shares,
      (atom) => townOf[atom] === townIndex,
      noise,
      1.0,
      // In the city, communities share the dense blocks by count (each gets room for its estates).
      place.setting === 'inner' ? atomCount : atoms.area,
    );
    const base = villageList.length;
    villages.forEach((village, index) =>
      villageList.push({ village, place, seedAtom: grown.seeds[index]!, isSeat: index === 0 }),
    );
    for (const atom of candidates) if (grown.owner[atom]! >= 0) villageOf[atom] = base + grown.owner[atom]!;
  });
  const villageAtoms = villageList.map(() => [] as number[]);
  for (let atom = 0; atom < atoms.count; atom++) if (villageOf[atom]! >= 0) villageAtoms[villageOf[atom]!]!.push(atom);
  lap('demo: towns and villages grown', { towns: places.length, villages: villageList.length });

  // Buildings and households, village by village.
  const buildings: { building: DemoBuilding; villageIndex: number }[] = [];
  const hamletsByVillage: Hamlet[][] = [];
  const cityStreets = new Set<string>();
  villageList.forEach((entry, villageIndex) => {
    const villageRandom = random.fork(`settle-${entry.village.code}`);
    const dryAtoms = villageAtoms[villageIndex]!.filter((atom) => !atoms.water[atom]).length;
    const households = villageHouseholds(
      entry.village.kind === 'community' ? 'community' : 'village',
      entry.place.setting,
      entry.isSeat,
      villageRandom,
      scale,
      // No more households than the land holds at ~45 per atom, so no cell is crammed.
      Math.max(1, dryAtoms) * 45 * Math.max(1, scale),
    );
    const settlement = settleVillage(
      atoms,
      {
        village: entry.village,
        townName: entry.place.town.name,
        setting: entry.place.setting,
        atoms: villageAtoms[villageIndex]!,
        seedAtom: entry.seedAtom,
        urbanness: landscape.core.urbanness(atoms.x[entry.seedAtom]!, atoms.y[entry.seedAtom]!),
        households,
      },
      villageRandom,
    );
    for (const building of settlement.buildings) buildings.push({ building, villageIndex });
    hamletsByVillage.push(settlement.hamlets);
    if (entry.place.setting === 'inner') settlement.streets.forEach((street) => cityStreets.add(street));
  });
  const atomHouseholds = new Float64Array(atoms.count);
  const atomResidents = new Float64Array(atoms.count);
  for (const { building } of buildings) {
    atomHouseholds[building.atom]! += building.households;
    atomResidents[building.atom]! += building.residents;
  }
  lap('demo: buildings placed', { buildings: buildings.length });

  // Geometry: Voronoi vertex ids → WGS-84, computed once per vertex so shared edges stay identical.
  const vertexLonLat = new Map<number, Position>();
  const metres = (vertex: number): [number, number] => [atoms.vertices[vertex * 2]!, atoms.vertices[vertex * 2 + 1]!];
  const lonLat = (vertex: number): Position => {
    let position = vertexLonLat.get(vertex);
    if (!position) {
      position = frame.toLonLat(...metres(vertex));
      vertexLonLat.set(vertex, position);
    }
    return position;
  };
  const cells = atoms.cells as ArrayLike<number>[];
  const toMultiPolygon = (polygons: RingPolygon[]): MultiPolygonCoordinates =>
    polygons.map((rings) =>
      rings.map((ring) => {
        const coordinates: Position[] = [];
        for (const vertex of ring) {
          const position = lonLat(vertex);
          const last = coordinates.at(-1);
          if (!last || last[0] !== position[0] || last[1] !== position[1]) coordinates.push(position);
        }
        coordinates.push(coordinates[0]!);
        return coordinates;
      }),
    );
  const outline = (members: number[]) => toMultiPolygon(unionCells(cells, members, metres));

  // Grids: each village partitioned into contiguous grids of 300–500 households.
  const grids: DemoGrid[] = [];
  villageList.forEach((entry, villageIndex) => {
    const members = villageAtoms[villageIndex]!;
    const local = new Map(members.map((atom, index) => [atom, index]));
    const sites: PartitionSite[] = members.map((atom) => ({
      x: atoms.x[atom]!,
      y: atoms.y[atom]!,
      weight: atomHouseholds[atom]!,
    }));
    const neighbours = members.map((atom) =>
      Array.from(atoms.neighbours[atom]!).flatMap((next) => (local.has(next) ? [local.get(next)!] : [])),
    );
    const groups = partitionVillage(sites, neighbours).map((group) => {
      const groupAtoms = group.sites.map((site) => members[site]!);
      const cx = groupAtoms.reduce((sum, atom) => sum + atoms.x[atom]!, 0) / groupAtoms.length;
      const cy = groupAtoms.reduce((sum, atom) => sum + atoms.y[atom]!, 0) / groupAtoms.length;
      return { ...group, groupAtoms, cx, cy };
    });
    // Number grids from north-west to south-east, as people read a map.
    const row = (group: { cy: number }) => -Math.round(group.cy / 400);
    groups.sort((a, b) => row(a) - row(b) || a.cx - b.cx);
    groups.forEach((group, index) => {
      grids.push({
        code: gridCode(entry.village.code, index + 1),
        villageCode: entry.village.code,
        name: `${entry.village.name}第${index + 1}网格`,
        households: group.households,
        population: group.groupAtoms.reduce((sum, atom) => sum + atomResidents[atom]!, 0),
        flag: group.flag,
        boundary: outline(group.groupAtoms),
      });
    });
  });
  lap('demo: grids partitioned', { grids: grids.length });

  // Regions: villages, towns and the district from the same atoms.
  const regions: DemoRegion[] = [
    {
      code: divisions.code,
      name: divisions.name,
      fullName: `${divisions.provinceName}${divisions.name}`,
      level: 'district',
      kind: 'district',
      parentCode: null,
      boundary: outline(townAtoms.flat()),
    },
  ];
  places.forEach((place, townIndex) => {
    regions.push({
      code: place.town.code,
      name: place.town.name,
      fullName: `${divisions.name}${place.town.name}`,
      level: 'town',
      kind: place.town.kind,
      parentCode: divisions.code,
      boundary: outline(townAtoms[townIndex]!),
    });
  });
  villageList.forEach((entry, villageIndex) => {
    regions.push({
      code: entry.village.code,
      name: entry.village.name,
      fullName: entry.village.fullName,
      level: 'village',
      kind: entry.village.kind,
      parentCode: entry.place.town.code,
      boundary: outline(villageAtoms[villageIndex]!),
    });
  });
  lap('demo: boundaries traced');

  // Basemap: river, roads, settlements.
  const basemapRandom = random.fork('basemap');
  const local: LocalFeature[] = [...riverFeatures(landscape, landscape.river, basemapRandom)];
  const roadNodes: RoadNode[] = [
    { name: '万州城区', point: landscape.core.centre, kind: 'city' },
    ...places
      .filter((place) => place.setting !== 'inner')
      .map((place) => ({ name: place.town.name, point: place.centre, kind: 'town' as const })),
  ];
  const villageRoads = villageList
    .filter((entry) => entry.village.kind === 'village')
    .map((entry) => ({ point: { x: atoms.x[entry.seedAtom]!, y: atoms.y[entry.seedAtom]! }, town: entry.place.centre }));
  local.push(...roadFeatures(landscape, roadNodes, villageRoads, [...cityStreets], basemapRandom));
  local.push({
    layer: 'settlement',
    kind: 'city',
    name: '万州城区',
    geometry: { type: 'Point', coordinates: landscape.core.centre },
  });
  for (const place of places) {
    if (place.setting === 'inner') continue;
    local.push({
      layer: 'settlement',
      kind: 'town',
      name: place.town.name,
      geometry: { type: 'Point', coordinates: place.centre },
    });
  }
  villageList.forEach((entry, villageIndex) => {
    const seed = { x: atoms.x[entry.seedAtom]!, y: atoms.y[entry.seedAtom]! };
    local.push({
      layer: 'settlement',
      kind: 'village',
      name: entry.village.name,
      geometry: { type: 'Point', coordinates: seed },
    });
    for (const hamlet of hamletsByVillage[villageIndex]!) {
      local.push({
        layer: 'settlement',
        kind: 'hamlet',
        name: hamlet.name,
        geometry: { type: 'Point', coordinates: { x: atoms.x[hamlet.atom]!, y: atoms.y[hamlet.atom]! } },
      });
    }
  });
  const basemap: DemoBasemapFeature[] = local.map((feature) => ({
    layer: feature.layer,
    kind: feature.kind,
    name: feature.name,
    geometry: toLonLatGeometry(feature.geometry, frame.toLonLat),
  }));
  // Built-up areas: the dense blocks of the city, and each town's centre.
  const dryInside = (atom: number) => atoms.inside[atom] === 1 && atoms.water[atom] === 0;
  const cityAtoms = places.flatMap((place, index) =>
    place.setting === 'inner'
      ? townAtoms[index]!.filter((atom) => dryInside(atom) && landscape.core.urbanness(atoms.x[atom]!, atoms.y[atom]!) > 0.08)
      : [],
  );
  const seatAtoms = places.flatMap((place, index) =>
    place.setting === 'inner'
      ? []
      : townAtoms[index]!.filter(
          (atom) => dryInside(atom) && Math.hypot(atoms.x[atom]! - place.centre.x, atoms.y[atom]! - place.centre.y) < 450,
        ),
  );
  for (const [kind, members] of [
    ['city', cityAtoms],
    ['town', seatAtoms],
  ] as const) {
    if (members.length === 0) continue;
    for (const polygon of outline(members))
      basemap.push({ layer: 'settlement', kind, name: null, geometry: { type: 'Polygon', coordinates: polygon } });
  }
  lap('demo: basemap drawn', { features: basemap.length });

  // Organisation and people.
  const orgRandom = random.fork('organisation');
  const districtCode = divisions.code;
  const centreLonLat = frame.toLonLat(landscape.core.centre.x, landscape.core.centre.y);
  const units: DemoUnit[] = [
    {
      code: 'L5-01',
      name: '区委主要领导',
      kind: 'leader_office',
      ladderLevel: 5,
      regionCode: districtCode,
      parentCode: null,
      leaderCode: null,
      location: centreLonLat,
      phone: phoneNumber(orgRandom),
    },
    {
      code: 'L5-02',
      name: '区政府主要领导',
      kind: 'leader_office',
      ladderLevel: 5,
      regionCode: districtCode,
      parentCode: null,
      leaderCode: null,
      location: centreLonLat,
      phone: phoneNumber(orgRandom),
    },
    ...LEADER_OFFICES.map((office) => ({
      code: office.code,
      name: office.name,
      kind: 'leader_office' as const,
      ladderLevel: 4 as const,
      regionCode: districtCode,
      parentCode: 'L5-02',
      leaderCode: null,
      location: centreLonLat,
      phone: phoneNumber(orgRandom),
    })),
    {
      code: 'CC-01',
      name: '区群众工作指挥中心',
      kind: 'command_center',
      ladderLevel: 3,
      regionCode: districtCode,
      parentCode: null,
      leaderCode: 'L4-05',
      location: centreLonLat,
      phone: '023-58123456',
    },
    ...DEPARTMENTS.map(([name, leader], index) => ({
      code: `D-${String(index + 1).padStart(3, '0')}`,
      name,
      kind: 'department' as const,
      ladderLevel: 3 as const,
      regionCode: districtCode,
      parentCode: 'CC-01',
      leaderCode: leader,
      location: null,
      phone: phoneNumber(orgRandom),
    })),
  ];
  places.forEach((place) => {
    units.push({
      code: `T-${place.town.code}`,
      name: `${place.town.name}便民服务中心`,
      kind: 'town_center',
      ladderLevel: 2,
      regionCode: place.town.code,
      parentCode: 'CC-01',
      leaderCode: null,
      location: frame.toLonLat(place.centre.x, place.centre.y),
      phone: phoneNumber(orgRandom),
    });
  });
  // Liaison points: 2,066 in 万州, three or four per village; the larger villages get the fourth.
  const villageHouseholdsList = villageList.map((_, index) =>
    villageAtoms[index]!.reduce((sum, atom) => sum + atomHouseholds[atom]!, 0),
  );
  const byHouseholds = villageList.map((_, index) => index).sort((a, b) => villageHouseholdsList[b]! - villageHouseholdsList[a]!);
  const liaisonTotal = Math.round(2066 * Math.min(1, Math.max(0.3, scale)));
  const liaisonCount = villageList.map(() => Math.floor(liaisonTotal / villageList.length));
  const extras = liaisonTotal - liaisonCount.reduce((a, b) => a + b, 0);
  for (let extra = 0; extra < extras; extra++) liaisonCount[byHouseholds[extra % byHouseholds.length]!]! += 1;
  const buildingsByVillage = villageList.map(() => [] as DemoBuilding[]);
  for (const { building, villageIndex } of buildings) buildingsByVillage[villageIndex]!.push(building);
  villageList.forEach((entry, villageIndex) => {
    const stationCode = `V-${entry.village.code}`;
    units.push({
      code: stationCode,
      name: `${entry.village.name}便民服务站`,
      kind: 'village_station',
      ladderLevel: 1,
      regionCode: entry.village.code,
      parentCode: `T-${entry.place.town.code}`,
      leaderCode: null,
      location: frame.toLonLat(atoms.x[entry.seedAtom]!, atoms.y[entry.seedAtom]!),
      phone: phoneNumber(orgRandom),
    });
    const villageBuildings = buildingsByVillage[villageIndex]!;
    for (let point = 1; point <= liaisonCount[villageIndex]!; point++) {
      const host = villageBuildings.length > 0 ? orgRandom.pick(villageBuildings) : null;
      units.push({
        code: `LP-${entry.village.code}-${point}`,
        name: `${entry.village.name}第${point}联系点`,
        kind: 'liaison_point',
        ladderLevel: 1,
        regionCode: entry.village.code,
        parentCode: stationCode,
        leaderCode: null,
        location: host ? frame.toLonLat(host.x, host.y) : frame.toLonLat(atoms.x[entry.seedAtom]!, atoms.y[entry.seedAtom]!),
        phone: phoneNumber(orgRandom),
      });
    }
  });

  const users: DemoUser[] = [];
  const addUser = (
    username: string,
    role: DemoUser['role'],
    unitCode: string | null,
    regionCode: string,
    displayName = personName(orgRandom),
  ) => users.push({ username, displayName, role, unitCode, regionCode, phone: phoneNumber(orgRandom) });
  const unitByName = (name: string) => units.find((unit) => unit.name === name)!.code;
  const townCode = (name: string) => places.find((place) => place.town.name === name)?.town.code ?? places[0]!.town.code;
  const villageByName = (town: string, name: string) =>
    villageList.find((entry) => entry.place.town.name === town && entry.village.name === name) ??
    villageList.find((entry) => entry.place.town.name === town)!;
  addUser('admin', 'administrator', null, districtCode, '系统管理员');
  addUser('dispatcher', 'dispatcher', 'CC-01', districtCode);
  addUser('leader', 'leader', 'L4-02', districtCode);
  addUser('leader.principal', 'leader', 'L5-02', districtCode);
  addUser('renshe', 'department_handler', unitByName('区人力社保局'), districtCode);
  addUser('chengguan', 'department_handler', unitByName('区城市管理局'), districtCode);
  addUser('zhujian', 'department_handler', unitByName('区住房城乡建委'), districtCode);
  addUser('fenshui', 'town_officer', `T-${townCode('分水镇')}`, townCode('分水镇'));
  addUser('shahe', 'town_officer', `T-${townCode('沙河街道')}`, townCode('沙河街道'));
  const shinian = villageByName('分水镇', '石碾村');
  const fengxian = villageByName('沙河街道', '凤仙路社区');
  addUser('shinian', 'village_cadre', `V-${shinian.village.code}`, shinian.village.code);
  addUser('fengxianlu', 'village_cadre', `V-${fengxian.village.code}`, fengxian.village.code);
  addUser('planner', 'planner', null, districtCode);
  addUser('wall', 'wall_viewer', 'CC-01', districtCode);
  // A grid worker (网格员) for every grid; the first grid of 石碾村 also has the documented demo worker.
  const assignments: DemoDistrict['assignments'] = [];
  for (const grid of grids) {
    const username = `gw${grid.code}`;
    addUser(username, 'grid_worker', `V-${grid.villageCode}`, grid.villageCode);
    assignments.push({ gridCode: grid.code, username, duty: 'grid_worker' });
  }
  const firstShinianGrid = grids.find((grid) => grid.villageCode === shinian.village.code)!;
  addUser('wanggeyuan', 'grid_worker', `V-${shinian.village.code}`, shinian.village.code);
  assignments.push({ gridCode: firstShinianGrid.code, username: 'wanggeyuan', duty: 'grid_worker' });
  lap('demo: organisation', { units: units.length, users: users.length });

  const buildingRecords: DemoBuildingRecord[] = buildings.map(({ building, villageIndex }) => {
    const [lon, lat] = frame.toLonLat(building.x, building.y);
    return {
      villageCode: villageList[villageIndex]!.village.code,
      lon,
      lat,
      kind: building.kind,
      floors: building.floors,
      households: building.households,
      residents: building.residents,
      address: building.address,
      name: building.name,
    };
  });

  return { regions, grids, buildings: buildingRecords, basemap, units, users, assignments };
}

function toLonLatGeometry(geometry: LocalGeometry, toLonLat: (x: number, y: number) => Position): DemoBasemapFeature['geometry'] {
  const convert = (point: Vector) => toLonLat(point.x, point.y);
  switch (geometry.type) {
    case 'Point':
      return { type: 'Point', coordinates: convert(geometry.coordinates) };
    case 'LineString':
      return { type: 'LineString', coordinates: geometry.coordinates.map(convert) };
    case 'Polygon':
      return { type: 'Polygon', coordinates: geometry.coordinates.map((ring) => ring.map(convert)) };
  }
}

export type { Atoms };

/**
 * The planner's own map layers, as data: the draft's grids coloured by their
 * check status (green / amber / red), the selected grid, buildings sized by
 * households, and the findings of the checks (gaps, overlaps, slivers,
 * buildings on a boundary) in red. Added over the district map; the published
 * grid tiles are hidden while the planner is open.
 */
import type { GeoJSONSource, LayerSpecification, Map as MapLibreMap } from 'maplibre-gl';
import type { CheckReport, GridStatus, PlannerBuilding, PlannerGrid } from '@minqing/shared';

export const PLANNER_SOURCES = {
  grids: 'planner-grids',
  buildings: 'planner-buildings',
  issues: 'planner-issues',
  villages: 'planner-villages',
} as const;

export const PLANNER_LAYER_IDS = {
  villageOutline: 'planner-village-outline',
  gridFill: 'planner-grid-fill',
  gridOutline: 'planner-grid-outline',
  gridSelected: 'planner-grid-selected',
  buildings: 'planner-buildings',
  issueFill: 'planner-issue-fill',
  issueOutline: 'planner-issue-outline',
  issuePoints: 'planner-issue-points',
} as const;

export const STATUS_COLOURS: Record<GridStatus, string> = { green: '#2e7d32', amber: '#f9a825', red: '#c62828' };
const ISSUE_COLOUR = '#d50000';

type Collection = {
  type: 'FeatureCollection';
  features: { type: 'Feature'; geometry: unknown; properties: Record<string, unknown> }[];
};

const empty = (): Collection => ({ type: 'FeatureCollection', features: [] });

export function plannerLayers(): LayerSpecification[] {
  const status = [
    'match',
    ['get', 'status'],
    'green',
    STATUS_COLOURS.green,
    'amber',
    STATUS_COLOURS.amber,
    STATUS_COLOURS.red,
  ] as unknown as string;
  return [
    {
      id: PLANNER_LAYER_IDS.gridFill,
      type: 'fill',
      source: PLANNER_SOURCES.grids,
      paint: { 'fill-color': status, 'fill-opacity': ['case', ['get', 'selected'], 0.45, 0.28] as unknown as number },
    },
    {
      id: PLANNER_LAYER_IDS.gridOutline,
      type: 'line',
      source: PLANNER_SOURCES.grids,
      paint: { 'line-color': '#37474f', 'line-width': 1.4 },
    },
    {
      id: PLANNER_LAYER_IDS.villageOutline,
      type: 'line',
      source: PLANNER_SOURCES.villages,
      paint: { 'line-color': '#1a237e', 'line-width': 2.5, 'line-dasharray': [3, 2] },
    },
    {
      id: PLANNER_LAYER_IDS.gridSelected,
      type: 'line',
      source: PLANNER_SOURCES.grids,
      filter: ['==', ['get', 'selected'], true],
      paint: { 'line-color': '#0d47a1', 'line-width': 3.5 },
    },
    {
      id: PLANNER_LAYER_IDS.buildings,
      type: 'circle',
      source: PLANNER_SOURCES.buildings,
      minzoom: 12,
      paint: {
        'circle-radius': ['interpolate', ['linear'], ['get', 'households'], 1, 2, 50, 4, 500, 9] as unknown as number,
        'circle-color': '#455a64',
        'circle-stroke-color': '#ffffff',
        'circle-stroke-width': 0.6,
      },
    },
    {
      id: PLANNER_LAYER_IDS.issueFill,
      type: 'fill',
      source: PLANNER_SOURCES.issues,
      filter: ['==', ['geometry-type'], 'Polygon'],
      paint: { 'fill-color': ISSUE_COLOUR, 'fill-opacity': 0.55 },
    },
    {
      id: PLANNER_LAYER_IDS.issueOutline,
      type: 'line',
      source: PLANNER_SOURCES.issues,
      filter: ['==', ['geometry-type'], 'Polygon'],
      paint: { 'line-color': ISSUE_COLOUR, 'line-width': 2 },
    },
    {
      id: PLANNER_LAYER_IDS.issuePoints,
      type: 'circle',
      source: PLANNER_SOURCES.issues,
      filter: ['==', ['geometry-type'], 'Point'],
      paint: {
        'circle-radius': 7,
        'circle-color': 'rgba(0,0,0,0)',
        'circle-stroke-color': ISSUE_COLOUR,
        'circle-stroke-width': 2.5,
      },
    },
  ];
}

/** The draft's grids as features, with their status from the checks. */
export function gridFeatures(grids: readonly PlannerGrid[], report: CheckReport | null, selectedKey: string | null): Collection {
  const byKey = new Map(report?.grids.map((grid) => [grid.key, grid]) ?? []);
  return {
    type: 'FeatureCollection',
    features: grids.map((grid) => {
      const checked = byKey.get(grid.key);
      return {
        type: 'Feature',
        geometry: grid.boundary,
        properties: {
          key: grid.key,
          code: grid.code ?? '',
          name: grid.name,
          households: checked?.households ?? 0,
          status: checked?.status ?? 'red',
          selected: grid.key === selectedKey,
        },
      };
    }),
  };
}

export function buildingFeatures(buildings: readonly PlannerBuilding[]): Collection {
  return {
    type: 'FeatureCollection',
    features: buildings.map((building) => ({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: building.position },
      properties: { id: building.id, households: building.households },
    })),
  };
}

export function issueFeatures(report: CheckReport | null): Collection {
  if (!report) return empty();
  return {
    type: 'FeatureCollection',
    features: report.issues.flatMap((issue): Collection['features'] => {
      if (!issue.geometry || issue.check === 'not_contiguous') return [];
      if (issue.geometry.type === 'Point')
        return [{ type: 'Feature' as const, geometry: issue.geometry, properties: { check: issue.check } }];
      return issue.geometry.coordinates.map((rings) => ({
        type: 'Feature' as const,
        geometry: { type: 'Polygon', coordinates: rings },
        properties: { check: issue.check },
      }));
    }),
  };
}

export function addPlannerLayers(map: MapLibreMap): void {
  for (const id of Object.values(PLANNER_SOURCES)) {
    if (!map.getSource(id)) map.addSource(id, { type: 'geojson', data: empty() as never });
  }
  for (const layer of plannerLayers()) if (!map.getLayer(layer.id)) map.addLayer(layer);
}

export function setPlannerData(
  map: MapLibreMap,
  source: (typeof PLANNER_SOURCES)[keyof typeof PLANNER_SOURCES],
  data: Collection,
): void {
  (map.getSource(source) as GeoJSONSource | undefined)?.setData(data as never);
}

import type { ExpressionSpecification, LayerSpecification, VectorSourceSpecification } from 'maplibre-gl';
import { BOLD_FONT, REGULAR_FONT } from '../fonts.ts';
import { PALETTE } from '../palette.ts';
import {
  addLayerGroup,
  inTier,
  removeLayerGroup,
  setLayerGroupVisible,
  tileUrl,
  type LayerGroup,
  type MapSurface,
} from './layer-group.ts';

/**
 * The basemap drawn from our own data, so the map needs no internet: the Yangtze
 * and other rivers (source layer 'river', polygons), roads by class ('road',
 * lines, kind expressway | national | provincial | county | urban) and
 * settlements ('settlement', points or polygons, kind city | town | village |
 * hamlet, with a name).
 */
export const BASE_SOURCE_ID = 'base';
export const BASE_SOURCE_LAYERS = { river: 'river', road: 'road', settlement: 'settlement' } as const;
export const ROAD_KINDS = ['expressway', 'national', 'provincial', 'county', 'urban'] as const;
export type RoadKind = (typeof ROAD_KINDS)[number];
export const SETTLEMENT_KINDS = ['city', 'town', 'village', 'hamlet'] as const;
export type SettlementKind = (typeof SETTLEMENT_KINDS)[number];

export const BASE_LAYER_IDS = {
  settlementArea: 'base-settlement-area',
  river: 'base-river',
  riverLine: 'base-river-line',
  roadCasing: 'base-road-casing',
  road: 'base-road',
  roadLabel: 'base-road-label',
  settlementPoint: 'base-settlement-point',
  settlementLabelMajor: 'base-settlement-label-major',
  settlementLabelMinor: 'base-settlement-label-minor',
} as const;

/** Town seats are named from this zoom, when the town labels of the district view stop. */
export const TOWN_SEAT_LABEL_MIN_ZOOM = 11.5;

/** The zoom from which each road class is drawn: trunk roads from the district view, local roads later. */
export const ROAD_MIN_ZOOM: Record<RoadKind, number> = { expressway: 0, national: 0, provincial: 9, county: 10, urban: 11.5 };
/** Below this zoom roads are single lines; the casing would only thicken them. */
export const ROAD_CASING_MIN_ZOOM = 10;

export function baseSource(origin: string): VectorSourceSpecification {
  return { type: 'vector', tiles: [tileUrl(origin, 'base')], minzoom: 0, maxzoom: 14 };
}

const isPolygon: ExpressionSpecification = ['match', ['geometry-type'], ['Polygon', 'MultiPolygon'], true, false];
const isLine: ExpressionSpecification = ['match', ['geometry-type'], ['LineString', 'MultiLineString'], true, false];
const isPoint: ExpressionSpecification = ['match', ['geometry-type'], ['Point', 'MultiPoint'], true, false];

function byRoadKind<T extends string | number>(values: Record<RoadKind, T>, fallback: T): ExpressionSpecification {
  return [
    'match',
    ['get', 'kind'],
    ...ROAD_KINDS.flatMap((kind) => [kind, values[kind]]),
    fallback,
  ] as unknown as ExpressionSpecification;
}

/** Road width in pixels at a zoom, by class; casing adds its own margin. */
export function roadWidthExpression(extra = 0): ExpressionSpecification {
  const at = (widths: Record<RoadKind, number>) =>
    byRoadKind(
      mapValues(widths, (width) => width + (width > 0 ? extra : 0)),
      0,
    );
  return [
    'interpolate',
    ['exponential', 1.5],
    ['zoom'],
    8,
    at({ expressway: 1.6, national: 1.2, provincial: 0.8, county: 0, urban: 0 }),
    11,
    at({ expressway: 3, national: 2.4, provincial: 1.8, county: 1.1, urban: 0.8 }),
    14,
    at({ expressway: 7, national: 5.5, provincial: 4.5, county: 3.2, urban: 2.8 }),
    17,
    at({ expressway: 16, national: 13, provincial: 11, county: 8, urban: 7 }),
  ];
}

/** Shows a road from the zoom its class starts at. */
export function roadVisibleFilter(): ExpressionSpecification {
  return ['all', isLine, ['>=', ['zoom'], byRoadKind(ROAD_MIN_ZOOM, 99)]];
}

function mapValues<K extends string, A, B>(record: Record<K, A>, change: (value: A) => B): Record<K, B> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, change(value as A)])) as Record<K, B>;
}

const roadFill = byRoadKind(
  mapValues(PALETTE.road, (colors) => colors.fill),
  PALETTE.road.county.fill,
);
const roadCasing = byRoadKind(
  mapValues(PALETTE.road, (colors) => colors.casing),
  PALETTE.road.county.casing,
);
/** Higher classes drawn over lower ones. */
const roadSortKey = byRoadKind({ expressway: 5, national: 4, provincial: 3, county: 2, urban: 1 }, 0);

export function baseLayers(): LayerSpecification[] {
  const river = { source: BASE_SOURCE_ID, 'source-layer': BASE_SOURCE_LAYERS.river } as const;
  const road = { source: BASE_SOURCE_ID, 'source-layer': BASE_SOURCE_LAYERS.road } as const;
  const settlement = { source: BASE_SOURCE_ID, 'source-layer': BASE_SOURCE_LAYERS.settlement } as const;
  return [
    inTier('land-use', {
      id: BASE_LAYER_IDS.settlementArea,
      type: 'fill',
      ...settlement,
      filter: isPolygon,
      paint: {
        'fill-color': [
          'match',
          ['get', 'kind'],
          'city',
          PALETTE.settlementArea.city,
          'town',
          PALETTE.settlementArea.town,
          PALETTE.settlementArea.village,
        ],
      },
    }),
    inTier('water', {
      id: BASE_LAYER_IDS.river,
      type: 'fill',
      ...river,
      filter: isPolygon,
      paint: { 'fill-color': PALETTE.water, 'fill-outline-color': PALETTE.waterOutline },
    }),
    inTier('water', {
      id: BASE_LAYER_IDS.riverLine,
      type: 'line',
      ...river,
      filter: isLine,
      layout: { 'line-join': 'round', 'line-cap': 'round' },
      paint: { 'line-color': PALETTE.water, 'line-width': ['interpolate', ['linear'], ['zoom'], 8, 1, 14, 3] },
    }),
    inTier('road', {
      id: BASE_LAYER_IDS.roadCasing,
      type: 'line',
      ...road,
      minzoom: ROAD_CASING_MIN_ZOOM,
      filter: roadVisibleFilter(),
      layout: { 'line-join': 'round', 'line-cap': 'round', 'line-sort-key': roadSortKey },
      paint: { 'line-color': roadCasing, 'line-width': roadWidthExpression(1.6) },
    }),
    inTier('road', {
      id: BASE_LAYER_IDS.road,
      type: 'line',
      ...road,
      filter: roadVisibleFilter(),
      layout: { 'line-join': 'round', 'line-cap': 'round', 'line-sort-key': roadSortKey },
      paint: { 'line-color': roadFill, 'line-width': roadWidthExpression() },
    }),
    inTier('label-basemap', {
      id: BASE_LAYER_IDS.roadLabel,
      type: 'symbol',
      ...road,
      minzoom: 12,
      filter: ['all', isLine, ['has', 'name']],
      layout: {
        'symbol-placement': 'line',
        'text-field': ['get', 'name'],
        'text-font': REGULAR_FONT,
        'text-size': 11,
        'text-rotation-alignment': 'map',
      },
      paint: { 'text-color': '#6b5a45', 'text-halo-color': PALETTE.labelHalo, 'text-halo-width': 1.4 },
    }),
    // Town seats and the city rank with the town names: placed before village names when labels collide.
    inTier('label-town', {
      id: BASE_LAYER_IDS.settlementPoint,
      type: 'circle',
      ...settlement,
      minzoom: 9,
      filter: ['all', isPoint, ['match', ['get', 'kind'], ['city', 'town'], true, false]],
      paint: {
        'circle-radius': ['match', ['get', 'kind'], 'city', 4.5, 3],
        'circle-color': '#ffffff',
        'circle-stroke-color': '#5a5a5a',
        'circle-stroke-width': 1.4,
      },
    }),
    inTier('label-town', {
      id: BASE_LAYER_IDS.settlementLabelMajor,
      type: 'symbol',
      ...settlement,
      minzoom: 9,
      // The city from the district view; town seats once the town names (drawn from the regions) give way.
      filter: [
        'any',
        ['==', ['get', 'kind'], 'city'],
        ['all', ['==', ['get', 'kind'], 'town'], ['>=', ['zoom'], TOWN_SEAT_LABEL_MIN_ZOOM]],
      ],
      layout: {
        'text-field': ['get', 'name'],
        'text-font': [
          'match',
          ['get', 'kind'],
          'city',
          ['literal', BOLD_FONT],
          ['literal', REGULAR_FONT],
        ] as ExpressionSpecification,
        'text-size': ['match', ['get', 'kind'], 'city', 15, 13],
        'text-anchor': 'top',
        'text-offset': [0, 0.5],
        'text-padding': 4,
      },
      paint: {
        'text-color': ['match', ['get', 'kind'], 'town', PALETTE.town.label, PALETTE.settlementLabel],
        'text-halo-color': PALETTE.labelHalo,
        'text-halo-width': 1.5,
      },
    }),
    inTier('label-basemap', {
      id: BASE_LAYER_IDS.settlementLabelMinor,
      type: 'symbol',
      ...settlement,
      minzoom: 13,
      // Village seats are not named: the village's own label (from the regions) already is.
      filter: ['==', ['get', 'kind'], 'hamlet'],
      layout: {
        'text-field': ['get', 'name'],
        'text-font': REGULAR_FONT,
        'text-size': 11,
        'text-padding': 3,
      },
      paint: { 'text-color': PALETTE.settlementMinorLabel, 'text-halo-color': PALETTE.labelHalo, 'text-halo-width': 1.2 },
    }),
  ];
}

export function baseLayerGroup(origin: string): LayerGroup {
  return { sources: { [BASE_SOURCE_ID]: baseSource(origin) }, layers: baseLayers() };
}

export function addBaseLayers(map: MapSurface, origin: string): void {
  addLayerGroup(map, baseLayerGroup(origin));
}

export function setBaseVisible(map: MapSurface, visible: boolean): void {
  setLayerGroupVisible(map, baseLayerGroup(''), visible);
}

export function removeBaseLayers(map: MapSurface): void {
  removeLayerGroup(map, baseLayerGroup(''));
}

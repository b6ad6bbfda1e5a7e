/**
 * Cases on the wall. Two sources:
 *
 * - `wall-case`: the `case` vector tiles with the wall's filter in the query
 *   and a version that changes when the wall reloads them; below zoom 15 the
 *   tiles hold clusters (`case_cluster`: count, urgent, yellow, red), from 15
 *   each case (`case`: id, state, urgency, card, overdue);
 * - `wall-live`: cases that changed since the tiles were loaded, from the live
 *   stream (live-cases.ts), drawn over the tiles, whose copy is hidden.
 *
 * Points are coloured by state and ringed by card; urgent ones carry a red
 * halo that pulses (setCasePulse, a few times a second).
 */
import type {
  CircleLayerSpecification,
  ExpressionSpecification,
  GeoJSONSourceSpecification,
  LayerSpecification,
  Map as MaplibreMap,
  SymbolLayerSpecification,
  VectorSourceSpecification,
} from 'maplibre-gl';
import { BOLD_FONT } from '../../map/fonts.ts';
import { addLayerGroup, inTier, tileUrl, type LayerGroup } from '../../map/layers/layer-group.ts';
import { WALL_PALETTE } from './wall-palette.ts';

export const CASE_TILE_SOURCE_ID = 'wall-case';
export const LIVE_CASE_SOURCE_ID = 'wall-live';
export const CASE_POINT_MIN_ZOOM = 15;
export const CASE_LAYER_IDS = {
  clusterHalo: 'wall-case-cluster-halo',
  cluster: 'wall-case-cluster',
  clusterCount: 'wall-case-cluster-count',
  pointHalo: 'wall-case-point-halo',
  point: 'wall-case-point',
  liveHalo: 'wall-live-halo',
  livePoint: 'wall-live-point',
  liveRing: 'wall-live-ring',
} as const;
/** Layers a click on a case (or cluster) lands on. */
export const CLICKABLE_CASE_LAYERS = [CASE_LAYER_IDS.livePoint, CASE_LAYER_IDS.point, CASE_LAYER_IDS.cluster] as const;

export function caseTileSource(origin: string, query: string, version: number): VectorSourceSpecification {
  return { type: 'vector', tiles: [caseTileTemplate(origin, query, version)], minzoom: 7, maxzoom: 18 };
}

/** The tile URL with the filter and the version (a new version makes MapLibre fetch the tiles again). */
export function caseTileTemplate(origin: string, query: string, version: number): string {
  const separator = query ? '&' : '?';
  return `${tileUrl(origin, 'case')}${query}${separator}v=${version}`;
}

const stateColour: ExpressionSpecification = [
  'match',
  ['get', 'state'],
  ...Object.entries(WALL_PALETTE.state).flat(),
  WALL_PALETTE.state.registered,
] as unknown as ExpressionSpecification;

const cardColour: ExpressionSpecification = [
  'match',
  ['get', 'card'],
  'red',
  WALL_PALETTE.card.red,
  'yellow',
  WALL_PALETTE.card.yellow,
  WALL_PALETTE.card.none,
];

const cardWidth: ExpressionSpecification = ['match', ['get', 'card'], 'red', 3.5, 'yellow', 3, 1.2];

const pointRadius: ExpressionSpecification = ['interpolate', ['linear'], ['zoom'], 11, 4, 15, 6, 18, 9];

const isUrgent: ExpressionSpecification = ['==', ['get', 'urgency'], 'urgent'];

function pointPaint(): CircleLayerSpecification['paint'] {
  return {
    'circle-color': stateColour,
    'circle-radius': pointRadius,
    'circle-stroke-color': cardColour,
    'circle-stroke-width': cardWidth,
  };
}

function haloPaint(): CircleLayerSpecification['paint'] {
  return {
    'circle-color': 'rgba(0,0,0,0)',
    'circle-radius': ['interpolate', ['linear'], ['zoom'], 11, 9, 15, 13, 18, 17],
    'circle-stroke-color': WALL_PALETTE.urgent,
    'circle-stroke-width': 2.5,
    'circle-stroke-opacity': 0.8,
  };
}

/** Cluster colour: red if any case in it holds a red card, yellow if a yellow one, else blue. */
const clusterColour: ExpressionSpecification = [
  'case',
  ['>', ['get', 'red'], 0],
  WALL_PALETTE.cluster.red,
  ['>', ['get', 'yellow'], 0],
  WALL_PALETTE.cluster.yellow,
  WALL_PALETTE.cluster.plain,
];

const clusterRadius: ExpressionSpecification = ['interpolate', ['linear'], ['sqrt', ['get', 'count']], 1, 7, 10, 20, 40, 34];

/** The wall's case layers; `hiddenIds` are cases whose tile copy is out of date (the live layer has them). */
export function caseLayers(hiddenIds: readonly number[] = []): LayerSpecification[] {
  const tile = { source: CASE_TILE_SOURCE_ID } as const;
  const notHidden: ExpressionSpecification = ['!', ['in', ['get', 'id'], ['literal', [...hiddenIds]]]];
  const single: ExpressionSpecification = ['==', ['get', 'count'], 1];
  const multiple: ExpressionSpecification = ['>', ['get', 'count'], 1];
  const clusterLabel: SymbolLayerSpecification = inTier('highlight', {
    id: CASE_LAYER_IDS.clusterCount,
    type: 'symbol',
    ...tile,
    'source-layer': 'case_cluster',
    maxzoom: CASE_POINT_MIN_ZOOM,
    filter: multiple,
    layout: {
      'text-field': ['to-string', ['get', 'count']],
      'text-font': BOLD_FONT,
      'text-size': ['interpolate', ['linear'], ['sqrt', ['get', 'count']], 1, 11, 40, 16],
      'text-allow-overlap': true,
      'text-ignore-placement': true,
    },
    paint: { 'text-color': WALL_PALETTE.cluster.text },
  });
  return [
    inTier('highlight', {
      id: CASE_LAYER_IDS.clusterHalo,
      type: 'circle',
      ...tile,
      'source-layer': 'case_cluster',
      maxzoom: CASE_POINT_MIN_ZOOM,
      filter: ['>', ['get', 'urgent'], 0],
      paint: { ...haloPaint(), 'circle-radius': ['+', clusterRadius, 5] },
    }),
    inTier('highlight', {
      id: CASE_LAYER_IDS.cluster,
      type: 'circle',
      ...tile,
      'source-layer': 'case_cluster',
      maxzoom: CASE_POINT_MIN_ZOOM,
      paint: {
        'circle-color': ['case', single, stateColour, clusterColour],
        'circle-radius': ['case', single, 6, clusterRadius],
        'circle-opacity': ['case', single, 1, 0.85],
        'circle-stroke-color': ['case', single, cardColour, '#ffffff'],
        'circle-stroke-width': ['case', single, cardWidth, 1.5],
      },
    }),
    clusterLabel,
    inTier('highlight', {
      id: CASE_LAYER_IDS.pointHalo,
      type: 'circle',
      ...tile,
      'source-layer': 'case',
      minzoom: CASE_POINT_MIN_ZOOM,
      filter: ['all', isUrgent, notHidden],
      paint: haloPaint(),
    }),
    inTier('highlight', {
      id: CASE_LAYER_IDS.point,
      type: 'circle',
      ...tile,
      'source-layer': 'case',
      minzoom: CASE_POINT_MIN_ZOOM,
      filter: notHidden,
      paint: pointPaint(),
    }),
    inTier('highlight', {
      id: CASE_LAYER_IDS.liveRing,
      type: 'circle',
      source: LIVE_CASE_SOURCE_ID,
      filter: ['all', ['get', 'shown'], ['get', 'fresh']],
      paint: {
        'circle-color': 'rgba(0,0,0,0)',
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 9, 12, 15, 18],
        'circle-stroke-color': WALL_PALETTE.live.ring,
        'circle-stroke-width': 3,
        'circle-stroke-opacity': 0.9,
      },
    }),
    inTier('highlight', {
      id: CASE_LAYER_IDS.liveHalo,
      type: 'circle',
      source: LIVE_CASE_SOURCE_ID,
      filter: ['all', ['get', 'shown'], ['!', ['get', 'inTiles']], isUrgent],
      paint: haloPaint(),
    }),
    inTier('highlight', {
      id: CASE_LAYER_IDS.livePoint,
      type: 'circle',
      source: LIVE_CASE_SOURCE_ID,
      filter: ['all', ['get', 'shown'], ['!', ['get', 'inTiles']]],
      paint: pointPaint(),
    }),
  ];
}

export function caseLayerGroup(origin: string, query: string, version: number): LayerGroup {
  const live: GeoJSONSourceSpecification = { type: 'geojson', data: { type: 'FeatureCollection', features: [] } };
  return {
    sources: { [CASE_TILE_SOURCE_ID]: caseTileSource(origin, query, version), [LIVE_CASE_SOURCE_ID]: live },
    layers: caseLayers(),
  };
}

export function addCaseLayers(map: MaplibreMap, origin: string, query: string, version: number): void {
  addLayerGroup(map, caseLayerGroup(origin, query, version));
}

/** Hides the tile copy of cases the live layer draws. */
export function setHiddenCaseIds(map: MaplibreMap, ids: readonly number[]): void {
  const notHidden: ExpressionSpecification = ['!', ['in', ['get', 'id'], ['literal', [...ids]]]];
  if (map.getLayer(CASE_LAYER_IDS.point)) map.setFilter(CASE_LAYER_IDS.point, notHidden);
  if (map.getLayer(CASE_LAYER_IDS.pointHalo)) map.setFilter(CASE_LAYER_IDS.pointHalo, ['all', isUrgent, notHidden]);
}

/** Pulse phase 0…1: the urgent halo grows and fades. */
export function setCasePulse(map: MaplibreMap, phase: number): void {
  const opacity = 0.85 - 0.75 * phase;
  const width = 2 + 4 * phase;
  for (const id of [CASE_LAYER_IDS.pointHalo, CASE_LAYER_IDS.liveHalo, CASE_LAYER_IDS.clusterHalo]) {
    if (!map.getLayer(id)) continue;
    map.setPaintProperty(id, 'circle-stroke-opacity', opacity);
    map.setPaintProperty(id, 'circle-stroke-width', width);
  }
}

export function setCaseLayersVisible(map: MaplibreMap, visible: boolean): void {
  for (const id of Object.values(CASE_LAYER_IDS)) {
    if (map.getLayer(id)) map.setLayoutProperty(id, 'visibility', visible ? 'visible' : 'none');
  }
}

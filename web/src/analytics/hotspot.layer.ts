/**
 * Map layers of the leaders' view, as data: Gi* bins and emerging hot spot
 * categories painted on the grid tiles by feature state (no second copy of
 * the grids), DBSCAN cluster hulls, and a heat map of case points.
 */
import type { FeatureCollection } from 'geojson';
import type { GeoJSONSource, LayerSpecification, Map as MaplibreMap } from 'maplibre-gl';
import { GRID_SOURCE_ID, GRID_SOURCE_LAYER } from '../map/layers/grid.layer.ts';
import { inTier, type LayerGroup } from '../map/layers/layer-group.ts';

export const BIN_COLOURS: Record<string, string> = {
  '3': '#b2182b',
  '2': '#ef8a62',
  '1': '#fddbc7',
  '-1': '#d1e5f0',
  '-2': '#67a9cf',
  '-3': '#2166ac',
};

export const EMERGING_COLOURS: Record<string, string> = {
  new_hot: '#f4a582',
  consecutive_hot: '#d6604d',
  intensifying_hot: '#b2182b',
  persistent_hot: '#8c2d04',
  diminishing_hot: '#fdb863',
  sporadic_hot: '#fee0b6',
  oscillating_hot: '#e08214',
  historical_hot: '#bdbdbd',
  new_cold: '#92c5de',
  consecutive_cold: '#4393c3',
  intensifying_cold: '#2166ac',
  persistent_cold: '#053061',
  diminishing_cold: '#b2abd2',
  sporadic_cold: '#d1e5f0',
  oscillating_cold: '#8073ac',
  historical_cold: '#969696',
};

export const HOTSPOT_LAYER_IDS = {
  bins: 'analytics-gi-bins',
  emerging: 'analytics-emerging',
  clusterFill: 'analytics-cluster-fill',
  clusterLine: 'analytics-cluster-line',
  heat: 'analytics-heat',
} as const;
export const CLUSTER_SOURCE_ID = 'analytics-clusters';
export const HEAT_SOURCE_ID = 'analytics-heat';

const transparent = 'rgba(0, 0, 0, 0)';

function matchState(state: string, colours: Record<string, string>, numeric: boolean): unknown {
  const entries = Object.entries(colours).flatMap(([key, colour]) => [numeric ? Number(key) : key, colour]);
  return ['match', ['coalesce', ['feature-state', state], numeric ? 0 : ''], ...entries, transparent];
}

export function hotspotLayerGroup(): LayerGroup {
  const empty: FeatureCollection = { type: 'FeatureCollection', features: [] };
  const layers: LayerSpecification[] = [
    inTier('fill', {
      id: HOTSPOT_LAYER_IDS.bins,
      type: 'fill',
      source: GRID_SOURCE_ID,
      'source-layer': GRID_SOURCE_LAYER,
      paint: { 'fill-color': matchState('bin', BIN_COLOURS, true), 'fill-opacity': 0.8 },
    } as LayerSpecification),
    inTier('fill', {
      id: HOTSPOT_LAYER_IDS.emerging,
      type: 'fill',
      source: GRID_SOURCE_ID,
      'source-layer': GRID_SOURCE_LAYER,
      layout: { visibility: 'none' },
      paint: { 'fill-color': matchState('emerging', EMERGING_COLOURS, false), 'fill-opacity': 0.85 },
    } as LayerSpecification),
    inTier('highlight', {
      id: HOTSPOT_LAYER_IDS.heat,
      type: 'heatmap',
      source: HEAT_SOURCE_ID,
      layout: { visibility: 'none' },
      paint: {
        'heatmap-weight': ['interpolate', ['linear'], ['get', 'cases'], 0, 0, 20, 1],
        'heatmap-radius': ['interpolate', ['linear'], ['zoom'], 8, 6, 14, 30],
        'heatmap-opacity': 0.75,
      },
    }),
    inTier('highlight', {
      id: HOTSPOT_LAYER_IDS.clusterFill,
      type: 'fill',
      source: CLUSTER_SOURCE_ID,
      paint: { 'fill-color': '#6a3d9a', 'fill-opacity': 0.12 },
    }),
    inTier('highlight', {
      id: HOTSPOT_LAYER_IDS.clusterLine,
      type: 'line',
      source: CLUSTER_SOURCE_ID,
      paint: { 'line-color': '#6a3d9a', 'line-width': 2, 'line-dasharray': [2, 1] },
    }),
  ];
  return {
    sources: {
      [CLUSTER_SOURCE_ID]: { type: 'geojson', data: empty },
      [HEAT_SOURCE_ID]: { type: 'geojson', data: empty },
    },
    layers,
  };
}

type StateMap = Pick<MaplibreMap, 'setFeatureState' | 'removeFeatureState' | 'getSource'>;

/** Paints each grid's Gi* bin (or emerging category) on the grid tiles. */
export function setGridStates(map: StateMap, state: 'bin' | 'emerging', values: Map<string, number | string>): void {
  if (!map.getSource(GRID_SOURCE_ID)) return;
  for (const [code, value] of values) {
    map.setFeatureState({ source: GRID_SOURCE_ID, sourceLayer: GRID_SOURCE_LAYER, id: code }, { [state]: value });
  }
}

export function clearGridStates(map: StateMap): void {
  if (map.getSource(GRID_SOURCE_ID)) map.removeFeatureState({ source: GRID_SOURCE_ID, sourceLayer: GRID_SOURCE_LAYER });
}

export function setLayerData(map: Pick<MaplibreMap, 'getSource'>, sourceId: string, data: FeatureCollection): void {
  (map.getSource(sourceId) as GeoJSONSource | undefined)?.setData(data);
}

import type { GeoJSONSourceSpecification, LayerSpecification, VectorSourceSpecification } from 'maplibre-gl';
import type { FeatureCollection, Point } from 'geojson';
import { BOLD_FONT } from '../fonts.ts';
import { PALETTE } from '../palette.ts';
import { emptyLabels, type RegionLabelProperties } from '../region-labels.ts';
import {
  addLayerGroup,
  inTier,
  removeLayerGroup,
  setLayerGroupVisible,
  tileUrl,
  type LayerGroup,
  type MapSurface,
} from './layer-group.ts';

/** Towns and streets (镇乡街道): medium dashed boundaries, names at district and town zooms. */
export const TOWN_SOURCE_ID = 'town';
export const TOWN_SOURCE_LAYER = 'town';
export const TOWN_LABEL_SOURCE_ID = 'town-label';
export const TOWN_LAYER_IDS = { line: 'town-boundary', label: 'town-label' } as const;

/** Town names show from the district view until village names and town seats take over. */
export const TOWN_LABEL_ZOOMS = { min: 8, max: 11.5 } as const;

export function townSource(origin: string): VectorSourceSpecification {
  return { type: 'vector', tiles: [tileUrl(origin, 'town')], minzoom: 0, maxzoom: 14 };
}

export function townLabelSource(
  labels: FeatureCollection<Point, RegionLabelProperties> = emptyLabels(),
): GeoJSONSourceSpecification {
  return { type: 'geojson', data: labels };
}

export function townLayers(): LayerSpecification[] {
  return [
    inTier('town-boundary', {
      id: TOWN_LAYER_IDS.line,
      type: 'line',
      source: TOWN_SOURCE_ID,
      'source-layer': TOWN_SOURCE_LAYER,
      layout: { 'line-join': 'round' },
      paint: {
        'line-color': PALETTE.town.line,
        'line-width': ['interpolate', ['linear'], ['zoom'], 8, 0.9, 12, 1.6, 16, 2.4],
        'line-dasharray': [4, 1.5],
        'line-opacity': 0.9,
      },
    }),
    inTier('label-town', {
      id: TOWN_LAYER_IDS.label,
      type: 'symbol',
      source: TOWN_LABEL_SOURCE_ID,
      minzoom: TOWN_LABEL_ZOOMS.min,
      maxzoom: TOWN_LABEL_ZOOMS.max,
      layout: {
        'text-field': ['get', 'name'],
        'text-font': BOLD_FONT,
        'text-size': ['interpolate', ['linear'], ['zoom'], 8, 10.5, 10, 13, 11.5, 15],
        'text-max-width': 8,
        'text-padding': 4,
      },
      paint: {
        'text-color': PALETTE.town.label,
        'text-halo-color': PALETTE.labelHalo,
        'text-halo-width': 1.6,
      },
    }),
  ];
}

export function townLayerGroup(origin: string, labels?: FeatureCollection<Point, RegionLabelProperties>): LayerGroup {
  return {
    sources: { [TOWN_SOURCE_ID]: townSource(origin), [TOWN_LABEL_SOURCE_ID]: townLabelSource(labels) },
    layers: townLayers(),
  };
}

export function addTownLayers(map: MapSurface, origin: string, labels?: FeatureCollection<Point, RegionLabelProperties>): void {
  addLayerGroup(map, townLayerGroup(origin, labels));
}

export function setTownVisible(map: MapSurface, visible: boolean): void {
  setLayerGroupVisible(map, townLayerGroup(''), visible);
}

export function removeTownLayers(map: MapSurface): void {
  removeLayerGroup(map, townLayerGroup(''));
}

import type { GeoJSONSourceSpecification, LayerSpecification, VectorSourceSpecification } from 'maplibre-gl';
import type { FeatureCollection, Point } from 'geojson';
import { REGULAR_FONT } from '../fonts.ts';
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

/** Villages and communities (村/社区): thin dotted boundaries and names once zoomed in. */
export const VILLAGE_SOURCE_ID = 'village';
export const VILLAGE_SOURCE_LAYER = 'village';
export const VILLAGE_LABEL_SOURCE_ID = 'village-label';
export const VILLAGE_LAYER_IDS = { line: 'village-boundary', label: 'village-label' } as const;

export const VILLAGE_BOUNDARY_MIN_ZOOM = 10;
export const VILLAGE_LABEL_MIN_ZOOM = 11.5;

export function villageSource(origin: string): VectorSourceSpecification {
  return { type: 'vector', tiles: [tileUrl(origin, 'village')], minzoom: 8, maxzoom: 14 };
}

export function villageLabelSource(
  labels: FeatureCollection<Point, RegionLabelProperties> = emptyLabels(),
): GeoJSONSourceSpecification {
  return { type: 'geojson', data: labels };
}

export function villageLayers(): LayerSpecification[] {
  return [
    inTier('village-boundary', {
      id: VILLAGE_LAYER_IDS.line,
      type: 'line',
      source: VILLAGE_SOURCE_ID,
      'source-layer': VILLAGE_SOURCE_LAYER,
      minzoom: VILLAGE_BOUNDARY_MIN_ZOOM,
      layout: { 'line-join': 'round' },
      paint: {
        'line-color': PALETTE.village.line,
        'line-width': ['interpolate', ['linear'], ['zoom'], 10, 0.5, 13, 1, 16, 1.6],
        'line-dasharray': [2, 1.5],
        'line-opacity': ['interpolate', ['linear'], ['zoom'], 10, 0, 11, 0.9],
      },
    }),
    inTier('label-village', {
      id: VILLAGE_LAYER_IDS.label,
      type: 'symbol',
      source: VILLAGE_LABEL_SOURCE_ID,
      minzoom: VILLAGE_LABEL_MIN_ZOOM,
      layout: {
        'text-field': ['get', 'name'],
        'text-font': REGULAR_FONT,
        'text-size': ['interpolate', ['linear'], ['zoom'], 11.5, 11, 14, 13, 16, 15],
        'text-max-width': 7,
        'text-padding': 3,
      },
      paint: {
        'text-color': PALETTE.village.label,
        'text-halo-color': PALETTE.labelHalo,
        'text-halo-width': 1.4,
      },
    }),
  ];
}

export function villageLayerGroup(origin: string, labels?: FeatureCollection<Point, RegionLabelProperties>): LayerGroup {
  return {
    sources: { [VILLAGE_SOURCE_ID]: villageSource(origin), [VILLAGE_LABEL_SOURCE_ID]: villageLabelSource(labels) },
    layers: villageLayers(),
  };
}

export function addVillageLayers(
  map: MapSurface,
  origin: string,
  labels?: FeatureCollection<Point, RegionLabelProperties>,
): void {
  addLayerGroup(map, villageLayerGroup(origin, labels));
}

export function setVillageVisible(map: MapSurface, visible: boolean): void {
  setLayerGroupVisible(map, villageLayerGroup(''), visible);
}

export function removeVillageLayers(map: MapSurface): void {
  removeLayerGroup(map, villageLayerGroup(''));
}

import type { LayerSpecification, VectorSourceSpecification } from 'maplibre-gl';
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

/** The district (区县): its land drawn over the background, and its boundary, the boldest line on the map. */
export const DISTRICT_SOURCE_ID = 'district';
export const DISTRICT_SOURCE_LAYER = 'district';
export const DISTRICT_LAYER_IDS = { land: 'district-land', halo: 'district-boundary-halo', line: 'district-boundary' } as const;

export function districtSource(origin: string): VectorSourceSpecification {
  return { type: 'vector', tiles: [tileUrl(origin, 'district')], minzoom: 0, maxzoom: 14 };
}

export interface DistrictLayerOptions {
  /** Paint the district's land (our own basemap); off over an external basemap, which has its own. */
  land?: boolean;
}

export function districtLayers(options: DistrictLayerOptions = {}): LayerSpecification[] {
  const common = { source: DISTRICT_SOURCE_ID, 'source-layer': DISTRICT_SOURCE_LAYER } as const;
  const layers: LayerSpecification[] = [
    inTier('land', {
      id: DISTRICT_LAYER_IDS.land,
      type: 'fill',
      ...common,
      paint: { 'fill-color': PALETTE.districtLand },
    }),
    inTier('district-boundary', {
      id: DISTRICT_LAYER_IDS.halo,
      type: 'line',
      ...common,
      layout: { 'line-join': 'round' },
      paint: {
        'line-color': PALETTE.district.halo,
        'line-width': ['interpolate', ['linear'], ['zoom'], 7, 5, 12, 10, 16, 14],
        'line-opacity': 0.75,
      },
    }),
    inTier('district-boundary', {
      id: DISTRICT_LAYER_IDS.line,
      type: 'line',
      ...common,
      layout: { 'line-join': 'round' },
      paint: {
        'line-color': PALETTE.district.line,
        'line-width': ['interpolate', ['linear'], ['zoom'], 7, 2, 12, 3.2, 16, 4.5],
        'line-dasharray': [5, 1.2, 1, 1.2],
      },
    }),
  ];
  return options.land === false ? layers.filter((layer) => layer.id !== DISTRICT_LAYER_IDS.land) : layers;
}

export function districtLayerGroup(origin: string, options: DistrictLayerOptions = {}): LayerGroup {
  return { sources: { [DISTRICT_SOURCE_ID]: districtSource(origin) }, layers: districtLayers(options) };
}

export function addDistrictLayers(map: MapSurface, origin: string, options: DistrictLayerOptions = {}): void {
  addLayerGroup(map, districtLayerGroup(origin, options));
}

export function setDistrictVisible(map: MapSurface, visible: boolean): void {
  // The land stays: without it the district would look like empty background.
  setLayerGroupVisible(
    map,
    { sources: {}, layers: districtLayers().filter((layer) => layer.id !== DISTRICT_LAYER_IDS.land) },
    visible,
  );
}

export function removeDistrictLayers(map: MapSurface): void {
  removeLayerGroup(map, districtLayerGroup(''));
}

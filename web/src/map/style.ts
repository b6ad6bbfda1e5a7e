import type { BackgroundLayerSpecification, StyleSpecification } from 'maplibre-gl';
import type { FeatureCollection, Point } from 'geojson';
import type { HouseholdBand } from '@minqing/shared';
import { PALETTE } from './palette.ts';
import type { RegionLabelProperties } from './region-labels.ts';
import { baseLayerGroup } from './layers/base.layer.ts';
import { districtLayerGroup } from './layers/district.layer.ts';
import { gridLayerGroup } from './layers/grid.layer.ts';
import { inDrawOrder, inTier, type LayerGroup } from './layers/layer-group.ts';
import { townLayerGroup } from './layers/town.layer.ts';
import { villageLayerGroup } from './layers/village.layer.ts';

export interface MapStyleOptions {
  /** Where the tiles are served, e.g. location.origin; tile URLs must be absolute. */
  origin: string;
  band?: HouseholdBand;
  selectedGridCode?: string | null;
  householdUnit?: string;
  townLabels?: FeatureCollection<Point, RegionLabelProperties>;
  villageLabels?: FeatureCollection<Point, RegionLabelProperties>;
}

export const BACKGROUND_LAYER_ID = 'background';

/**
 * The district map's whole style, built in code from our own tile layers.
 * It sets no `glyphs` URL on purpose: MapLibre then draws every label with the
 * browser's own fonts, so the map works with no internet (ADR 0002).
 */
export function buildMapStyle(options: MapStyleOptions): StyleSpecification {
  const groups: LayerGroup[] = [
    baseLayerGroup(options.origin),
    districtLayerGroup(options.origin),
    townLayerGroup(options.origin, options.townLabels),
    villageLayerGroup(options.origin, options.villageLabels),
    gridLayerGroup(options.origin, {
      band: options.band,
      selectedCode: options.selectedGridCode ?? null,
      householdUnit: options.householdUnit,
    }),
  ];
  const background: BackgroundLayerSpecification = inTier('land', {
    id: BACKGROUND_LAYER_ID,
    type: 'background',
    paint: { 'background-color': PALETTE.background },
  });
  return {
    version: 8,
    name: 'Minqing district map',
    sources: Object.assign({}, ...groups.map((group) => group.sources)),
    layers: inDrawOrder([background, ...groups.flatMap((group) => group.layers)]),
  };
}

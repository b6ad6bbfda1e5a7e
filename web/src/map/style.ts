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
 * What the map shows: our own style, or an external basemap style (天地图 or
 * any MapLibre style a deployment names in BASEMAP_STYLE_URL) with our
 * boundaries and grids added over it once it has loaded.
 */
export type MapStyleSource =
  { kind: 'built-in'; style: StyleSpecification } | { kind: 'external'; url: string; overlays: LayerGroup[] };

/** The district, town, village and grid layers: everything but the basemap. */
export function overlayLayerGroups(options: MapStyleOptions, { land }: { land: boolean }): LayerGroup[] {
  return [
    districtLayerGroup(options.origin, { land }),
    townLayerGroup(options.origin, options.townLabels),
    villageLayerGroup(options.origin, options.villageLabels),
    gridLayerGroup(options.origin, {
      band: options.band,
      selectedCode: options.selectedGridCode ?? null,
      householdUnit: options.householdUnit,
    }),
  ];
}

/**
 * The district map's whole style, built in code from our own tile layers.
 * It sets no `glyphs` URL on purpose: MapLibre then draws every label with the
 * browser's own fonts, so the map works with no internet (ADR 0002).
 */
export function buildMapStyle(options: MapStyleOptions): StyleSpecification {
  const groups: LayerGroup[] = [baseLayerGroup(options.origin), ...overlayLayerGroups(options, { land: true })];
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

/** Our own style, unless the deployment configured an external basemap style. */
export function mapStyleSource(basemapStyleUrl: string | null | undefined, options: MapStyleOptions): MapStyleSource {
  if (!basemapStyleUrl) return { kind: 'built-in', style: buildMapStyle(options) };
  const url = new URL(basemapStyleUrl, options.origin).href;
  return { kind: 'external', url, overlays: overlayLayerGroups(options, { land: false }) };
}

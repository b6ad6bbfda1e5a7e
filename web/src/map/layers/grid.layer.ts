import type { ExpressionSpecification, FilterSpecification, LayerSpecification, VectorSourceSpecification } from 'maplibre-gl';
import { DEFAULT_HOUSEHOLD_BAND, type HouseholdBand } from '@minqing/shared';
import { REGULAR_FONT } from '../fonts.ts';
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
 * Grids (网格), tinted by household band: inside the band green, below amber,
 * above red. Tile properties: code, name, households, band ('below' | 'within' |
 * 'above'). The fill shows at every zoom as a band overview of the district; the
 * thin outlines and household counts come in as the map zooms to grid scale.
 * Household counts are drawn from the 'grid_label' source layer, one point per
 * grid (a polygon clipped into several tiles would otherwise be labelled once
 * per tile).
 */
export const GRID_SOURCE_ID = 'grid';
export const GRID_SOURCE_LAYER = 'grid';
export const GRID_LABEL_SOURCE_LAYER = 'grid_label';
export const GRID_LAYER_IDS = {
  fill: 'grid-fill',
  line: 'grid-boundary',
  selectedFill: 'grid-selected-fill',
  selectedCasing: 'grid-selected-casing',
  selectedLine: 'grid-selected-boundary',
  label: 'grid-label',
} as const;

export const GRID_SOURCE_MIN_ZOOM = 7;
export const GRID_BOUNDARY_MIN_ZOOM = 11;
export const GRID_LABEL_MIN_ZOOM = 14;

export interface GridLayerOptions {
  /** The band to fall back on for features that carry households but no band. */
  band?: HouseholdBand;
  selectedCode?: string | null;
  /** The word after a household count in grid labels (户, households). */
  householdUnit?: string;
}

export function gridSource(origin: string): VectorSourceSpecification {
  // promoteId makes the grid code the feature id, so hover can use feature state.
  return { type: 'vector', tiles: [tileUrl(origin, 'grid')], minzoom: GRID_SOURCE_MIN_ZOOM, maxzoom: 14, promoteId: 'code' };
}

/** The band colour of a grid feature: from its `band`, else from `households` against the band. */
export function bandColorExpression(band: HouseholdBand = DEFAULT_HOUSEHOLD_BAND): ExpressionSpecification {
  const households: ExpressionSpecification = ['to-number', ['coalesce', ['get', 'households'], -1], -1];
  return [
    'match',
    ['get', 'band'],
    'within',
    PALETTE.band.within,
    'below',
    PALETTE.band.below,
    'above',
    PALETTE.band.above,
    [
      'case',
      ['<', households, 0],
      PALETTE.band.unknown,
      ['<', households, band.min],
      PALETTE.band.below,
      ['>', households, band.max],
      PALETTE.band.above,
      PALETTE.band.within,
    ],
  ];
}

/** Matches the selected grid, or nothing when none is selected. */
export function selectedGridFilter(code: string | null | undefined): FilterSpecification {
  return ['==', ['get', 'code'], code ?? ''];
}

/** A grid's label: its household count with the unit, e.g. 「412户」 or "412 households". */
export function gridLabelText(householdUnit = '户'): ExpressionSpecification {
  return ['concat', ['to-string', ['get', 'households']], householdUnit];
}

export function gridLayers(options: GridLayerOptions = {}): LayerSpecification[] {
  const common = { source: GRID_SOURCE_ID, 'source-layer': GRID_SOURCE_LAYER } as const;
  const selected = selectedGridFilter(options.selectedCode);
  return [
    inTier('fill', {
      id: GRID_LAYER_IDS.fill,
      type: 'fill',
      ...common,
      paint: {
        'fill-color': bandColorExpression(options.band),
        'fill-opacity': [
          'interpolate',
          ['linear'],
          ['zoom'],
          7,
          ['case', ['boolean', ['feature-state', 'hover'], false], 0.4, 0.2],
          10,
          ['case', ['boolean', ['feature-state', 'hover'], false], 0.42, 0.24],
          12,
          ['case', ['boolean', ['feature-state', 'hover'], false], 0.5, 0.3],
          15,
          ['case', ['boolean', ['feature-state', 'hover'], false], 0.42, 0.2],
        ],
        'fill-antialias': true,
      },
    }),
    inTier('grid-boundary', {
      id: GRID_LAYER_IDS.line,
      type: 'line',
      ...common,
      minzoom: GRID_BOUNDARY_MIN_ZOOM,
      layout: { 'line-join': 'round' },
      paint: {
        'line-color': PALETTE.grid.line,
        'line-width': ['interpolate', ['linear'], ['zoom'], 11, 0.3, 14, 0.8, 17, 1.4],
        'line-opacity': ['interpolate', ['linear'], ['zoom'], 11, 0.35, 13, 0.75],
      },
    }),
    inTier('highlight', {
      id: GRID_LAYER_IDS.selectedFill,
      type: 'fill',
      ...common,
      filter: selected,
      paint: { 'fill-color': PALETTE.selected.fill, 'fill-opacity': 0.14 },
    }),
    // A white casing under the outline keeps the selection readable over water, roads and any tint.
    inTier('highlight', {
      id: GRID_LAYER_IDS.selectedCasing,
      type: 'line',
      ...common,
      filter: selected,
      layout: { 'line-join': 'round' },
      paint: {
        'line-color': PALETTE.selected.casing,
        'line-width': ['interpolate', ['linear'], ['zoom'], 7, 4, 14, 6.5],
        'line-opacity': 0.9,
      },
    }),
    inTier('highlight', {
      id: GRID_LAYER_IDS.selectedLine,
      type: 'line',
      ...common,
      filter: selected,
      layout: { 'line-join': 'round' },
      paint: {
        'line-color': PALETTE.selected.line,
        'line-width': ['interpolate', ['linear'], ['zoom'], 7, 2, 14, 3],
      },
    }),
    inTier('label-grid', {
      id: GRID_LAYER_IDS.label,
      type: 'symbol',
      source: GRID_SOURCE_ID,
      'source-layer': GRID_LABEL_SOURCE_LAYER,
      minzoom: GRID_LABEL_MIN_ZOOM,
      layout: {
        'text-field': gridLabelText(options.householdUnit),
        'text-font': REGULAR_FONT,
        'text-size': 11,
        'text-padding': 6,
      },
      paint: {
        'text-color': PALETTE.grid.label,
        'text-halo-color': PALETTE.labelHalo,
        'text-halo-width': 1.2,
      },
    }),
  ];
}

export function gridLayerGroup(origin: string, options: GridLayerOptions = {}): LayerGroup {
  return { sources: { [GRID_SOURCE_ID]: gridSource(origin) }, layers: gridLayers(options) };
}

export function addGridLayers(map: MapSurface, origin: string, options: GridLayerOptions = {}): void {
  addLayerGroup(map, gridLayerGroup(origin, options));
}

/** Highlights one grid (or none) on the map. */
export function setSelectedGrid(map: MapSurface, code: string | null): void {
  for (const id of [GRID_LAYER_IDS.selectedFill, GRID_LAYER_IDS.selectedCasing, GRID_LAYER_IDS.selectedLine]) {
    if (map.getLayer(id)) map.setFilter(id, selectedGridFilter(code));
  }
}

export function setGridLabelUnit(map: MapSurface, householdUnit: string): void {
  if (map.getLayer(GRID_LAYER_IDS.label)) map.setLayoutProperty(GRID_LAYER_IDS.label, 'text-field', gridLabelText(householdUnit));
}

export function setGridVisible(map: MapSurface, visible: boolean): void {
  setLayerGroupVisible(map, gridLayerGroup(''), visible);
}

export function removeGridLayers(map: MapSurface): void {
  removeLayerGroup(map, gridLayerGroup(''));
}

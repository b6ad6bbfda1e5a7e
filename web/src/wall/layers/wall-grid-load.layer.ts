/**
 * Grids tinted by their load (open cases per 100 households) or by their
 * overdue cases, on the district map's own `grid` tile source: the numbers
 * come as feature state (GET /api/wall/grids every few seconds), so a change
 * recolours a grid without fetching a tile.
 */
import type { ExpressionSpecification, LayerSpecification, Map as MaplibreMap } from 'maplibre-gl';
import { GRID_SOURCE_ID, GRID_SOURCE_LAYER } from '../../map/layers/grid.layer.ts';
import { addLayerGroup, inTier } from '../../map/layers/layer-group.ts';
import type { GridLoad } from '../wall-api.ts';
import { WALL_PALETTE } from './wall-palette.ts';

export const GRID_LOAD_LAYER_ID = 'wall-grid-load';
export type GridColouring = 'load' | 'overdue';

function ramp(property: 'load' | 'overdue', stops: readonly number[], colours: readonly string[]): ExpressionSpecification {
  const value: ExpressionSpecification = ['to-number', ['feature-state', property], 0];
  const steps: (number | string)[] = [];
  stops.forEach((stop, index) => {
    if (index > 0) steps.push(stop, colours[index]!);
  });
  return ['step', value, colours[0]!, ...steps] as unknown as ExpressionSpecification;
}

export function gridFillColour(colouring: GridColouring): ExpressionSpecification {
  return colouring === 'load'
    ? ramp('load', WALL_PALETTE.loadStops, WALL_PALETTE.load)
    : ramp('overdue', WALL_PALETTE.overdueStops, WALL_PALETTE.overdue);
}

export function gridLoadLayer(colouring: GridColouring): LayerSpecification {
  return inTier('fill', {
    id: GRID_LOAD_LAYER_ID,
    type: 'fill',
    source: GRID_SOURCE_ID,
    'source-layer': GRID_SOURCE_LAYER,
    // Strong at district scale, light when zoomed in to read the streets under it.
    paint: {
      'fill-color': gridFillColour(colouring),
      'fill-opacity': ['interpolate', ['linear'], ['zoom'], 9, 0.6, 13, 0.45, 16, 0.2],
    },
  });
}

export function addGridLoadLayer(map: MaplibreMap, colouring: GridColouring): void {
  addLayerGroup(map, { sources: {}, layers: [gridLoadLayer(colouring)] });
}

export function setGridColouring(map: MaplibreMap, colouring: GridColouring): void {
  if (map.getLayer(GRID_LOAD_LAYER_ID)) map.setPaintProperty(GRID_LOAD_LAYER_ID, 'fill-color', gridFillColour(colouring));
}

/** Writes each grid's numbers as feature state of its feature (the grid source promotes `code` to the id). */
export function setGridLoads(map: MaplibreMap, loads: readonly GridLoad[]): void {
  if (!map.getSource(GRID_SOURCE_ID)) return;
  for (const grid of loads) {
    map.setFeatureState(
      { source: GRID_SOURCE_ID, sourceLayer: GRID_SOURCE_LAYER, id: grid.code },
      { load: grid.load, overdue: grid.overdue, open: grid.open },
    );
  }
}

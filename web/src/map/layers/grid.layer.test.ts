import { describe, expect, it } from 'vitest';
import { PALETTE } from '../palette.ts';
import { evaluateProperty, hex, layerById, passesFilter, visibleAtZoom, type TestFeature } from '../test-support.ts';
import { GRID_LAYER_IDS, gridLayers, gridSource, selectedGridFilter } from './grid.layer.ts';

const grid = (properties: Record<string, unknown>): TestFeature => ({ geometry: 'Polygon', properties });
const fillColor = (feature: TestFeature, options = {}) =>
  hex(evaluateProperty(layerById(gridLayers(options), GRID_LAYER_IDS.fill), 'paint', 'fill-color', feature, 12));

describe('grid layers', () => {
  it('tints a grid by its household band: green inside, amber below, red above', () => {
    expect(fillColor(grid({ code: '500101001001001', households: 420, band: 'within' }))).toBe(PALETTE.band.within);
    expect(fillColor(grid({ code: '500101001001002', households: 180, band: 'below', flag: 'small_village' }))).toBe(
      PALETTE.band.below,
    );
    expect(fillColor(grid({ code: '500101001001003', households: 612, band: 'above' }))).toBe(PALETTE.band.above);
  });

  it('falls back to the household count against the band when a tile carries no band', () => {
    expect(fillColor(grid({ households: 299 }))).toBe(PALETTE.band.below);
    expect(fillColor(grid({ households: 300 }))).toBe(PALETTE.band.within);
    expect(fillColor(grid({ households: 501 }))).toBe(PALETTE.band.above);
    expect(fillColor(grid({ households: 450 }), { band: { min: 460, max: 600 } })).toBe(PALETTE.band.below);
    expect(fillColor(grid({}))).toBe(PALETTE.band.unknown);
  });

  it('makes a hovered grid stand out', () => {
    const fill = layerById(gridLayers(), GRID_LAYER_IDS.fill);
    const plain = evaluateProperty(fill, 'paint', 'fill-opacity', grid({ band: 'within' }), 12) as number;
    const hovered = evaluateProperty(
      fill,
      'paint',
      'fill-opacity',
      { ...grid({ band: 'within' }), state: { hover: true } },
      12,
    ) as number;
    expect(hovered).toBeGreaterThan(plain);
  });

  it('highlights the selected grid and no other', () => {
    const layers = gridLayers({ selectedCode: '500101001001002' });
    for (const id of [GRID_LAYER_IDS.selectedFill, GRID_LAYER_IDS.selectedCasing, GRID_LAYER_IDS.selectedLine]) {
      const layer = layerById(layers, id);
      expect(passesFilter(layer, grid({ code: '500101001001002' }), 13)).toBe(true);
      expect(passesFilter(layer, grid({ code: '500101001001003' }), 13)).toBe(false);
    }
  });

  it('highlights nothing when no grid is selected', () => {
    const layer = layerById(gridLayers({ selectedCode: null }), GRID_LAYER_IDS.selectedLine);
    expect(passesFilter(layer, grid({ code: '500101001001002' }), 13)).toBe(false);
    expect(selectedGridFilter(null)).toEqual(['==', ['get', 'code'], '']);
  });

  it('draws grid outlines only from zoom 11 and household counts only close up', () => {
    const layers = gridLayers();
    expect(visibleAtZoom(layerById(layers, GRID_LAYER_IDS.line), 10.5)).toBe(false);
    expect(visibleAtZoom(layerById(layers, GRID_LAYER_IDS.line), 11)).toBe(true);
    expect(visibleAtZoom(layerById(layers, GRID_LAYER_IDS.label), 12)).toBe(false);
    expect(visibleAtZoom(layerById(layers, GRID_LAYER_IDS.label), 15)).toBe(true);
  });

  it('labels a grid once, at its label point, with its household count in the chosen language', () => {
    const chinese = layerById(gridLayers(), GRID_LAYER_IDS.label);
    expect(chinese.type === 'symbol' && chinese['source-layer']).toBe('grid_label');
    const english = layerById(gridLayers({ householdUnit: ' households' }), GRID_LAYER_IDS.label);
    expect(String(evaluateProperty(chinese, 'layout', 'text-field', grid({ households: 412 }), 15))).toBe('412户');
    expect(String(evaluateProperty(english, 'layout', 'text-field', grid({ households: 412 }), 15))).toBe('412 households');
  });

  it('reads grid tiles from our own tile endpoint, keyed by grid code', () => {
    const source = gridSource('http://localhost:8080');
    expect(source.tiles).toEqual(['http://localhost:8080/tiles/grid/{z}/{x}/{y}.mvt']);
    expect(source.promoteId).toBe('code');
  });
});

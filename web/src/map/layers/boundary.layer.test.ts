import { describe, expect, it } from 'vitest';
import { evaluateProperty, layerById, visibleAtZoom, type TestFeature } from '../test-support.ts';
import { DISTRICT_LAYER_IDS, districtLayers } from './district.layer.ts';
import { GRID_LAYER_IDS, gridLayers } from './grid.layer.ts';
import { TOWN_LAYER_IDS, townLayers } from './town.layer.ts';
import { VILLAGE_LAYER_IDS, villageLayers } from './village.layer.ts';

const boundary: TestFeature = { geometry: 'Polygon', properties: { code: '500101001000', name: '高笋塘街道' } };
const label: TestFeature = { geometry: 'Point', properties: { code: '500101001000', name: '高笋塘街道' } };

describe('administrative boundaries', () => {
  const district = layerById(districtLayers(), DISTRICT_LAYER_IDS.line);
  const town = layerById(townLayers(), TOWN_LAYER_IDS.line);
  const village = layerById(villageLayers(), VILLAGE_LAYER_IDS.line);
  const grid = layerById(gridLayers(), GRID_LAYER_IDS.line);
  const width = (layer: typeof district, zoom: number) =>
    evaluateProperty(layer, 'paint', 'line-width', boundary, zoom) as number;

  it('draws the district boldest, then towns, villages and grids thinnest', () => {
    for (const zoom of [11, 13, 15]) {
      expect(width(district, zoom)).toBeGreaterThan(width(town, zoom));
      expect(width(town, zoom)).toBeGreaterThan(width(village, zoom));
      expect(width(village, zoom)).toBeGreaterThan(width(grid, zoom));
    }
  });

  it('shows district and town boundaries from the start, villages from about zoom 10, grids from 11', () => {
    expect(visibleAtZoom(district, 7)).toBe(true);
    expect(visibleAtZoom(town, 7)).toBe(true);
    expect(visibleAtZoom(village, 9.5)).toBe(false);
    expect(visibleAtZoom(village, 10.5)).toBe(true);
    expect(visibleAtZoom(grid, 10)).toBe(false);
    expect(visibleAtZoom(grid, 11)).toBe(true);
  });

  it('names towns in the district view and hands over to village names closer in', () => {
    const townLabel = layerById(townLayers(), TOWN_LAYER_IDS.label);
    const villageLabel = layerById(villageLayers(), VILLAGE_LAYER_IDS.label);
    expect(visibleAtZoom(townLabel, 9.5)).toBe(true);
    expect(visibleAtZoom(villageLabel, 9.5)).toBe(false);
    expect(visibleAtZoom(villageLabel, 12)).toBe(true);
    expect(visibleAtZoom(townLabel, 12)).toBe(false);
    expect(String(evaluateProperty(townLabel, 'layout', 'text-field', label, 10))).toBe('高笋塘街道');
  });
});

import { describe, expect, it } from 'vitest';
import { validateStyleMin, type SymbolLayerSpecification } from '@maplibre/maplibre-gl-style-spec';
import { BOLD_FONT, REGULAR_FONT } from './fonts.ts';
import { regionLabelPoints } from './region-labels.ts';
import { buildMapStyle, mapStyleSource } from './style.ts';

const origin = 'http://localhost:8080';

describe('the district map style', () => {
  const style = buildMapStyle({
    origin,
    selectedGridCode: '500101001001001',
    townLabels: regionLabelPoints([{ code: '500101001000', name: '高笋塘街道', bbox: [108.3, 30.7, 108.4, 30.8] }]),
  });
  const order = style.layers.map((layer) => layer.id);
  const above = (upper: string, lower: string) => order.indexOf(upper) > order.indexOf(lower);

  it('is a valid MapLibre style', () => {
    expect(validateStyleMin(style as never).map((error) => error.message)).toEqual([]);
  });

  it('needs nothing from the internet: no glyph or sprite URL, tiles only from our own server', () => {
    expect(style.glyphs).toBeUndefined();
    expect(style.sprite).toBeUndefined();
    for (const [id, source] of Object.entries(style.sources)) {
      if (source.type !== 'vector') continue;
      expect(source.tiles, id).toEqual([`${origin}/tiles/${id}/{z}/{x}/{y}.mvt`]);
    }
    expect(Object.keys(style.sources).sort()).toEqual([
      'base',
      'district',
      'grid',
      'town',
      'town-label',
      'village',
      'village-label',
    ]);
  });

  it('draws every label with the local font stacks', () => {
    const symbols = style.layers.filter((layer): layer is SymbolLayerSpecification => layer.type === 'symbol');
    expect(symbols.length).toBeGreaterThan(3);
    for (const layer of symbols) {
      const font = JSON.stringify(layer.layout?.['text-font']);
      expect(font.includes(JSON.stringify(REGULAR_FONT)) || font.includes(JSON.stringify(BOLD_FONT)), layer.id).toBe(true);
    }
  });

  it('stacks the map in reading order: land, grid tints, water, roads, boundaries, highlight, labels', () => {
    expect(order[0]).toBe('background');
    expect(above('base-settlement-area', 'district-land')).toBe(true);
    expect(above('grid-fill', 'base-settlement-area')).toBe(true);
    expect(above('base-river', 'grid-fill')).toBe(true);
    expect(above('base-road', 'base-river')).toBe(true);
    expect(above('village-boundary', 'grid-boundary')).toBe(true);
    expect(above('town-boundary', 'village-boundary')).toBe(true);
    expect(above('district-boundary', 'town-boundary')).toBe(true);
    expect(above('grid-selected-boundary', 'district-boundary')).toBe(true);
    expect(above('town-label', 'village-label')).toBe(true);
    expect(above('village-label', 'base-settlement-label-minor')).toBe(true);
    expect(above('base-settlement-label-major', 'village-label')).toBe(true);
  });
});

describe('an external basemap', () => {
  it('keeps our boundaries and grids but not our basemap or district land', () => {
    const source = mapStyleSource('/styles/tianditu.json', { origin });
    expect(source.kind).toBe('external');
    if (source.kind !== 'external') return;
    expect(source.url).toBe(`${origin}/styles/tianditu.json`);
    const layers = source.overlays.flatMap((group) => group.layers.map((layer) => layer.id));
    expect(layers).toContain('grid-fill');
    expect(layers).toContain('district-boundary');
    expect(layers).not.toContain('district-land');
    expect(layers.some((id) => id.startsWith('base-'))).toBe(false);
  });

  it('uses our own basemap when none is configured', () => {
    expect(mapStyleSource(null, { origin }).kind).toBe('built-in');
  });
});

import { describe, expect, it } from 'vitest';
import type { LayerSpecification } from 'maplibre-gl';
import { inDrawOrder, inTier, layerToInsertBefore, tierOf } from './layer-group.ts';

const layer = (id: string, tier: Parameters<typeof inTier>[0]): LayerSpecification =>
  inTier(tier, { id, type: 'line', source: 'grid', 'source-layer': 'grid' });

describe('draw order', () => {
  it('sorts layers by tier and keeps the order within a tier', () => {
    const sorted = inDrawOrder([layer('labels', 'label-town'), layer('a', 'fill'), layer('land', 'land'), layer('b', 'fill')]);
    expect(sorted.map((each) => each.id)).toEqual(['land', 'a', 'b', 'labels']);
  });

  it('adds a layer under the first layer of a higher tier, or on top when none is higher', () => {
    const existing = [
      layer('land', 'land'),
      layer('grid-fill', 'fill'),
      layer('district', 'district-boundary'),
      layer('labels', 'label-town'),
    ];
    expect(layerToInsertBefore(existing, layer('roads', 'road'))).toBe('district');
    expect(layerToInsertBefore(existing, layer('more-labels', 'label-town'))).toBeUndefined();
  });

  it('keeps a tier in layer metadata and puts our layers over layers of an external basemap', () => {
    expect(tierOf(layer('roads', 'road'))).toBe('road');
    expect(tierOf({ metadata: undefined })).toBe('land');
    const external: LayerSpecification[] = [
      { id: 'tianditu-vec', type: 'raster', source: 'tianditu' },
      { id: 'tianditu-labels', type: 'raster', source: 'tianditu-cva' },
    ];
    expect(layerToInsertBefore(external, layer('grid-fill', 'fill'))).toBeUndefined();
    expect(layerToInsertBefore([...external, layer('labels', 'label-town')], layer('grid-fill', 'fill'))).toBe('labels');
  });
});

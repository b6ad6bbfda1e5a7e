import { describe, expect, it } from 'vitest';
import { PALETTE } from '../palette.ts';
import { evaluateProperty, hex, layerById, passesFilter, visibleAtZoom, type TestFeature } from '../test-support.ts';
import { BASE_LAYER_IDS, baseLayers, baseSource } from './base.layer.ts';

const road = (kind: string, name?: string): TestFeature => ({
  geometry: 'LineString',
  properties: name ? { kind, name } : { kind },
});
const settlement = (kind: string, geometry: TestFeature['geometry'] = 'Point'): TestFeature => ({
  geometry,
  properties: { kind, name: '示例' },
});

describe('basemap layers', () => {
  const layers = baseLayers();
  const roadLayer = layerById(layers, BASE_LAYER_IDS.road);
  const casing = layerById(layers, BASE_LAYER_IDS.roadCasing);

  it('draws trunk roads from the district view and local roads only closer in', () => {
    expect(passesFilter(roadLayer, road('expressway'), 8)).toBe(true);
    expect(passesFilter(roadLayer, road('national'), 8)).toBe(true);
    expect(passesFilter(roadLayer, road('provincial'), 8)).toBe(false);
    expect(passesFilter(roadLayer, road('provincial'), 9)).toBe(true);
    expect(passesFilter(roadLayer, road('county'), 9)).toBe(false);
    expect(passesFilter(roadLayer, road('county'), 10.5)).toBe(true);
    expect(passesFilter(roadLayer, road('urban'), 11)).toBe(false);
    expect(passesFilter(roadLayer, road('urban'), 12)).toBe(true);
  });

  it('draws roads by class: expressways orange and widest, county roads white', () => {
    expect(hex(evaluateProperty(roadLayer, 'paint', 'line-color', road('expressway'), 12))).toBe(PALETTE.road.expressway.fill);
    expect(hex(evaluateProperty(roadLayer, 'paint', 'line-color', road('county'), 12))).toBe(PALETTE.road.county.fill);
    const width = (kind: string) => evaluateProperty(roadLayer, 'paint', 'line-width', road(kind), 14) as number;
    expect(width('expressway')).toBeGreaterThan(width('national'));
    expect(width('national')).toBeGreaterThan(width('provincial'));
    expect(width('provincial')).toBeGreaterThan(width('county'));
  });

  it('outlines every road with a casing wider than the road once zoomed past the district view', () => {
    expect(visibleAtZoom(casing, 9)).toBe(false);
    expect(visibleAtZoom(casing, 10)).toBe(true);
    for (const kind of ['expressway', 'national', 'provincial', 'county', 'urban']) {
      const inner = evaluateProperty(roadLayer, 'paint', 'line-width', road(kind), 14) as number;
      const outer = evaluateProperty(casing, 'paint', 'line-width', road(kind), 14) as number;
      expect(outer, kind).toBeGreaterThan(inner);
    }
  });

  it('paints river polygons blue', () => {
    const river = layerById(layers, BASE_LAYER_IDS.river);
    expect(passesFilter(river, { geometry: 'Polygon', properties: { kind: 'major' } }, 10)).toBe(true);
    expect(hex(evaluateProperty(river, 'paint', 'fill-color', { geometry: 'Polygon', properties: {} }, 10))).toBe(PALETTE.water);
  });

  it('names the city from the district view, town seats once town labels give way, hamlets only close up', () => {
    const major = layerById(layers, BASE_LAYER_IDS.settlementLabelMajor);
    const minor = layerById(layers, BASE_LAYER_IDS.settlementLabelMinor);
    expect(passesFilter(major, settlement('city'), 10) && visibleAtZoom(major, 10)).toBe(true);
    expect(passesFilter(major, settlement('town'), 10)).toBe(false);
    expect(passesFilter(major, settlement('town'), 12)).toBe(true);
    expect(passesFilter(major, settlement('hamlet'), 12)).toBe(false);
    expect(passesFilter(minor, settlement('hamlet'), 14) && visibleAtZoom(minor, 14)).toBe(true);
    expect(passesFilter(minor, settlement('village'), 14)).toBe(false);
    expect(visibleAtZoom(minor, 11)).toBe(false);
    expect(evaluateProperty(major, 'layout', 'text-size', settlement('city'), 10)).toBeGreaterThan(
      evaluateProperty(major, 'layout', 'text-size', settlement('town'), 10) as number,
    );
  });

  it('fills settlement polygons but marks only point settlements with a dot', () => {
    const area = layerById(layers, BASE_LAYER_IDS.settlementArea);
    const dot = layerById(layers, BASE_LAYER_IDS.settlementPoint);
    expect(passesFilter(area, settlement('city', 'Polygon'), 10)).toBe(true);
    expect(passesFilter(area, settlement('city', 'Point'), 10)).toBe(false);
    expect(passesFilter(dot, settlement('town', 'Point'), 10)).toBe(true);
    expect(passesFilter(dot, settlement('town', 'Polygon'), 10)).toBe(false);
  });

  it('labels roads along the line only when they have a name', () => {
    const label = layerById(layers, BASE_LAYER_IDS.roadLabel);
    expect(passesFilter(label, road('national', 'G318'), 13)).toBe(true);
    expect(passesFilter(label, road('national'), 13)).toBe(false);
  });

  it('reads one source with river, road and settlement layers from our tile endpoint', () => {
    expect(baseSource('http://10.0.0.5:8080/').tiles).toEqual(['http://10.0.0.5:8080/tiles/base/{z}/{x}/{y}.mvt']);
    const sourceLayers = new Set(layers.map((layer) => ('source-layer' in layer ? layer['source-layer'] : undefined)));
    expect(sourceLayers).toEqual(new Set(['river', 'road', 'settlement']));
  });
});

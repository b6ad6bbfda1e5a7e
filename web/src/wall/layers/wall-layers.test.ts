import { describe, expect, it } from 'vitest';
import { validateStyleMin } from '@maplibre/maplibre-gl-style-spec';
import { evaluateProperty, hex, passesFilter, type TestFeature } from '../../map/test-support.ts';
import { caseLayerGroup, caseLayers, caseTileTemplate, CASE_LAYER_IDS } from './wall-case.layer.ts';
import { gridLoadLayer } from './wall-grid-load.layer.ts';
import { playbackLayerGroup } from './wall-playback.layer.ts';
import { WALL_PALETTE } from './wall-palette.ts';
import { workerLayerGroup, WORKER_LAYER_IDS } from './wall-worker.layer.ts';

const origin = 'http://localhost:8080';

describe('the wall layers', () => {
  const groups = [
    caseLayerGroup(origin, '?urgency=urgent', 3),
    workerLayerGroup(origin, 1),
    playbackLayerGroup({ type: 'FeatureCollection', features: [] }),
    {
      sources: { grid: { type: 'vector' as const, tiles: [`${origin}/tiles/grid/{z}/{x}/{y}.mvt`] } },
      layers: [gridLoadLayer('load')],
    },
  ];
  const style = {
    version: 8 as const,
    sources: Object.assign({}, ...groups.map((group) => group.sources)),
    layers: groups.flatMap((group) => group.layers),
  };

  it('make a valid MapLibre style', () => {
    expect(validateStyleMin(style as never).map((error) => error.message)).toEqual([]);
  });

  it('ask for case tiles with the filter and a version', () => {
    expect(caseTileTemplate(origin, '?urgency=urgent', 3)).toBe(`${origin}/tiles/case/{z}/{x}/{y}.mvt?urgency=urgent&v=3`);
    expect(caseTileTemplate(origin, '', 4)).toBe(`${origin}/tiles/case/{z}/{x}/{y}.mvt?v=4`);
  });

  it('colour a case by state and ring it by card; a cluster red when any case in it has a red card', () => {
    const point = caseLayers().find((layer) => layer.id === CASE_LAYER_IDS.point)!;
    const feature: TestFeature = {
      geometry: 'Point',
      properties: { id: 1, state: 'in_progress', card: 'yellow', urgency: 'normal' },
    };
    expect(hex(evaluateProperty(point, 'paint', 'circle-color', feature, 16))).toBe(WALL_PALETTE.state.in_progress);
    expect(hex(evaluateProperty(point, 'paint', 'circle-stroke-color', feature, 16))).toBe(WALL_PALETTE.card.yellow);
    expect(evaluateProperty(point, 'paint', 'circle-stroke-width', feature, 16)).toBe(3);
    const cluster = caseLayers().find((layer) => layer.id === CASE_LAYER_IDS.cluster)!;
    const colour = (properties: Record<string, number>) =>
      hex(evaluateProperty(cluster, 'paint', 'circle-color', { geometry: 'Point', properties }, 12));
    expect(colour({ count: 12, urgent: 0, yellow: 3, red: 1 })).toBe(WALL_PALETTE.cluster.red);
    expect(colour({ count: 12, urgent: 0, yellow: 3, red: 0 })).toBe(WALL_PALETTE.cluster.yellow);
    expect(colour({ count: 12, urgent: 2, yellow: 0, red: 0 })).toBe(WALL_PALETTE.cluster.plain);
  });

  it('hide the tile copy of cases the live layer draws', () => {
    const point = caseLayers([5]).find((layer) => layer.id === CASE_LAYER_IDS.point)!;
    expect(passesFilter(point, { geometry: 'Point', properties: { id: 5 } }, 16)).toBe(false);
    expect(passesFilter(point, { geometry: 'Point', properties: { id: 6 } }, 16)).toBe(true);
  });

  it('fade the track with its age', () => {
    const track = workerLayerGroup(origin, 1).layers.find((layer) => layer.id === WORKER_LAYER_IDS.track)!;
    const opacity = (age: number) =>
      evaluateProperty(track, 'paint', 'line-opacity', { geometry: 'LineString', properties: { age } }, 14) as number;
    expect(opacity(0)).toBeGreaterThan(opacity(1));
    expect(opacity(2)).toBeGreaterThan(opacity(3));
  });

  it('tint a grid by its load from feature state', () => {
    const layer = gridLoadLayer('load');
    const colour = (load: number) =>
      evaluateProperty(layer, 'paint', 'fill-color', { geometry: 'Polygon', properties: {}, id: 'g', state: { load } }, 12);
    expect(hex(colour(0.3))).toBe(WALL_PALETTE.load[2]);
    expect(hex(colour(10))).toBe(WALL_PALETTE.load[5]);
    expect(WALL_PALETTE.load).toHaveLength(WALL_PALETTE.loadStops.length);
  });
});

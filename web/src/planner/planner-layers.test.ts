import { describe, expect, it } from 'vitest';
import { validateStyleMin } from '@maplibre/maplibre-gl-style-spec';
import type { CheckReport } from '@minqing/shared';
import { PLANNER_SOURCES, gridFeatures, issueFeatures, plannerLayers } from './planner-layers.ts';

const square = {
  type: 'MultiPolygon' as const,
  coordinates: [
    [
      [
        [108.4, 30.8],
        [108.41, 30.8],
        [108.41, 30.81],
        [108.4, 30.8],
      ],
    ],
  ] as [number, number][][][],
};

describe('planner layers', () => {
  it('are a valid MapLibre style over their GeoJSON sources', () => {
    const sources = Object.fromEntries(
      Object.values(PLANNER_SOURCES).map((id) => [id, { type: 'geojson', data: { type: 'FeatureCollection', features: [] } }]),
    );
    const errors = validateStyleMin({ version: 8, sources, layers: plannerLayers() } as never);
    expect(errors).toEqual([]);
  });

  it('colour each grid by its check status and mark the selected one', () => {
    const report = { grids: [{ key: 'a', status: 'green', households: 420 }], issues: [] } as unknown as CheckReport;
    const features = gridFeatures(
      [
        { key: 'a', code: null, villageCode: '500101144200', name: 'A', boundary: square },
        { key: 'b', code: null, villageCode: '500101144200', name: 'B', boundary: square },
      ],
      report,
      'b',
    );
    expect(features.features.map((feature) => [feature.properties.status, feature.properties.selected])).toEqual([
      ['green', false],
      ['red', true],
    ]);
  });

  it('draw gaps and overlaps as polygons and buildings on a boundary as points', () => {
    const report = {
      grids: [],
      issues: [
        { check: 'gap', geometry: square },
        { check: 'building_on_boundary', geometry: { type: 'Point', coordinates: [108.4, 30.8] } },
        { check: 'household_band' },
      ],
    } as unknown as CheckReport;
    expect(
      issueFeatures(report).features.map((feature) => [feature.properties.check, (feature.geometry as { type: string }).type]),
    ).toEqual([
      ['gap', 'Polygon'],
      ['building_on_boundary', 'Point'],
    ]);
  });
});

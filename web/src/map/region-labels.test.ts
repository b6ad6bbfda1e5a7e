import { describe, expect, it } from 'vitest';
import { regionLabelPoints } from './region-labels.ts';

describe('region label points', () => {
  it('puts a label on the point the API chose, else the centroid, else the middle of the bounding box', () => {
    const labels = regionLabelPoints([
      {
        code: '500101001000',
        name: '高笋塘街道',
        labelPoint: [108.41, 30.81],
        centroid: [108.4, 30.8],
        bbox: [108, 30, 109, 31],
      },
      { code: '500101002000', name: '太白街道', centroid: [108.42, 30.79], bbox: [108, 30, 109, 31] },
      { code: '500101003000', name: '牌楼街道', bbox: [108.2, 30.6, 108.4, 30.8] },
    ]);
    expect(labels.features.map((feature) => feature.geometry.coordinates)).toEqual([
      [108.41, 30.81],
      [108.42, 30.79],
      [108.30000000000001, 30.700000000000003],
    ]);
    expect(labels.features[0]?.properties).toEqual({ code: '500101001000', name: '高笋塘街道' });
  });

  it('leaves out a region it cannot place', () => {
    expect(regionLabelPoints([{ code: '500101004000', name: '双河口街道', bbox: null }]).features).toEqual([]);
  });
});

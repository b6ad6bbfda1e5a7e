import type { FeatureCollection, Point } from 'geojson';

/** What a town or village label needs from the regions API. */
export interface LabelledRegion {
  code: string;
  name: string;
  bbox?: [number, number, number, number] | null;
  /** A point inside the region (PostGIS ST_PointOnSurface), when the API gives one. */
  labelPoint?: [number, number] | null;
  centroid?: [number, number] | null;
}

export interface RegionLabelProperties {
  code: string;
  name: string;
}

/**
 * One label point per region: the API's point on surface, else its centroid,
 * else the middle of its bounding box. Regions with none of them get no label.
 */
export function regionLabelPoints(regions: readonly LabelledRegion[]): FeatureCollection<Point, RegionLabelProperties> {
  const features: FeatureCollection<Point, RegionLabelProperties>['features'] = [];
  for (const region of regions) {
    const position = region.labelPoint ?? region.centroid ?? (region.bbox ? bboxMiddle(region.bbox) : null);
    if (!position) continue;
    features.push({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [position[0], position[1]] },
      properties: { code: region.code, name: region.name },
    });
  }
  return { type: 'FeatureCollection', features };
}

function bboxMiddle([west, south, east, north]: [number, number, number, number]): [number, number] {
  return [(west + east) / 2, (south + north) / 2];
}

export function emptyLabels(): FeatureCollection<Point, RegionLabelProperties> {
  return { type: 'FeatureCollection', features: [] };
}

/**
 * The wizard's preview over the basemap, as data: the staged features (fill
 * and outline for polygons, circles for points; invalid shapes in red) and
 * the report's problems (a dot where each is). Pure: the composable adds them.
 */
import type {
  CircleLayerSpecification,
  ExpressionSpecification,
  FillLayerSpecification,
  LineLayerSpecification,
} from 'maplibre-gl';
import type { Feature, FeatureCollection, Point } from 'geojson';
import type { ImportProblem } from './import-api.ts';

export const PREVIEW_SOURCE = 'import-preview';
export const PROBLEM_SOURCE = 'import-problems';

const IMPORT_BLUE = '#1565c0';
const INVALID_RED = '#c62828';
const WARNING_ORANGE = '#ef6c00';

export function previewLayers(): (FillLayerSpecification | LineLayerSpecification | CircleLayerSpecification)[] {
  const invalid: ExpressionSpecification = ['==', ['get', 'invalid'], true];
  return [
    {
      id: 'import-preview-fill',
      type: 'fill',
      source: PREVIEW_SOURCE,
      filter: ['==', ['geometry-type'], 'Polygon'],
      paint: { 'fill-color': ['case', invalid, INVALID_RED, IMPORT_BLUE], 'fill-opacity': 0.12 },
    },
    {
      id: 'import-preview-outline',
      type: 'line',
      source: PREVIEW_SOURCE,
      filter: ['==', ['geometry-type'], 'Polygon'],
      paint: { 'line-color': ['case', invalid, INVALID_RED, IMPORT_BLUE], 'line-width': ['case', invalid, 2.5, 1.5] },
    },
    {
      id: 'import-preview-points',
      type: 'circle',
      source: PREVIEW_SOURCE,
      filter: ['==', ['geometry-type'], 'Point'],
      paint: { 'circle-radius': 3, 'circle-color': IMPORT_BLUE, 'circle-stroke-color': '#fff', 'circle-stroke-width': 0.5 },
    },
    {
      id: 'import-problems',
      type: 'circle',
      source: PROBLEM_SOURCE,
      paint: {
        'circle-radius': 7,
        'circle-color': ['match', ['get', 'severity'], 'error', INVALID_RED, 'repaired', '#6a1b9a', WARNING_ORANGE],
        'circle-opacity': 0.85,
        'circle-stroke-color': '#fff',
        'circle-stroke-width': 2,
      },
    },
  ];
}

/** The problems that have a place, as points for the map. */
export function problemPoints(problems: readonly ImportProblem[]): FeatureCollection<Point> {
  return {
    type: 'FeatureCollection',
    features: problems
      .filter((problem) => problem.location)
      .map((problem, index): Feature<Point> => ({
        type: 'Feature',
        id: index,
        geometry: { type: 'Point', coordinates: problem.location! },
        properties: { severity: problem.severity, check: problem.check, code: problem.code, name: problem.name },
      })),
  };
}

/**
 * Grid workers on the wall: the last hour of each one's track from the
 * `worker` vector tiles (`worker_track`, one line per quarter hour, fading
 * with age), and a live marker per worker (GeoJSON fed by the stream,
 * worker-positions.ts) labelled with the name and how long ago they reported.
 */
import type { GeoJSONSourceSpecification, LayerSpecification, Map as MaplibreMap, VectorSourceSpecification } from 'maplibre-gl';
import { REGULAR_FONT } from '../../map/fonts.ts';
import { addLayerGroup, inTier, tileUrl, type LayerGroup } from '../../map/layers/layer-group.ts';
import { WALL_PALETTE } from './wall-palette.ts';

export const WORKER_TILE_SOURCE_ID = 'wall-worker';
export const WORKER_MARKER_SOURCE_ID = 'wall-workers';
export const WORKER_TRACK_MIN_ZOOM = 12;
export const WORKER_LAYER_IDS = {
  track: 'wall-worker-track',
  marker: 'wall-worker-marker',
  label: 'wall-worker-label',
} as const;

export function workerTileTemplate(origin: string, version: number): string {
  return `${tileUrl(origin, 'worker')}?v=${version}`;
}

export function workerLayers(): LayerSpecification[] {
  return [
    inTier('highlight', {
      id: WORKER_LAYER_IDS.track,
      type: 'line',
      source: WORKER_TILE_SOURCE_ID,
      'source-layer': 'worker_track',
      minzoom: WORKER_TRACK_MIN_ZOOM,
      layout: { 'line-join': 'round', 'line-cap': 'round' },
      paint: {
        'line-color': WALL_PALETTE.worker.track,
        'line-width': ['interpolate', ['linear'], ['zoom'], 12, 1.5, 16, 3],
        // The newest quarter hour strongest, the oldest faint.
        'line-opacity': ['match', ['get', 'age'], 0, 0.9, 1, 0.6, 2, 0.35, 0.15],
      },
    }),
    inTier('highlight', {
      id: WORKER_LAYER_IDS.marker,
      type: 'circle',
      source: WORKER_MARKER_SOURCE_ID,
      paint: {
        'circle-color': [
          'interpolate',
          ['linear'],
          ['get', 'ageMinutes'],
          0,
          WALL_PALETTE.worker.fresh,
          10,
          WALL_PALETTE.worker.fresh,
          60,
          WALL_PALETTE.worker.stale,
        ],
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 9, 3, 13, 5.5, 17, 8],
        'circle-stroke-color': WALL_PALETTE.worker.outline,
        'circle-stroke-width': 1.5,
      },
    }),
    inTier('label-grid', {
      id: WORKER_LAYER_IDS.label,
      type: 'symbol',
      source: WORKER_MARKER_SOURCE_ID,
      minzoom: 13,
      layout: {
        'text-field': ['get', 'label'],
        'text-font': REGULAR_FONT,
        'text-size': 11,
        'text-offset': [0, 1.1],
        'text-anchor': 'top',
        'text-optional': true,
      },
      paint: { 'text-color': WALL_PALETTE.worker.label, 'text-halo-color': 'rgba(255,255,255,0.9)', 'text-halo-width': 1.2 },
    }),
  ];
}

export function workerLayerGroup(origin: string, version: number): LayerGroup {
  const tiles: VectorSourceSpecification = {
    type: 'vector',
    tiles: [workerTileTemplate(origin, version)],
    minzoom: WORKER_TRACK_MIN_ZOOM,
    maxzoom: 17,
  };
  const markers: GeoJSONSourceSpecification = { type: 'geojson', data: { type: 'FeatureCollection', features: [] } };
  return { sources: { [WORKER_TILE_SOURCE_ID]: tiles, [WORKER_MARKER_SOURCE_ID]: markers }, layers: workerLayers() };
}

export function addWorkerLayers(map: MaplibreMap, origin: string, version: number): void {
  addLayerGroup(map, workerLayerGroup(origin, version));
}

export function setWorkerLayersVisible(map: MaplibreMap, visible: boolean): void {
  for (const id of Object.values(WORKER_LAYER_IDS)) {
    if (map.getLayer(id)) map.setLayoutProperty(id, 'visibility', visible ? 'visible' : 'none');
  }
}

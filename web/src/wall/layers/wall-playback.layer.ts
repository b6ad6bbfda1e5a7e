/**
 * Play-back: the cases of a time window as one GeoJSON source, each with its
 * time `t` (seconds into the window); the layer's filter shows those that
 * have appeared, the newest larger and brighter.
 */
import type { ExpressionSpecification, GeoJSONSourceSpecification, LayerSpecification, Map as MaplibreMap } from 'maplibre-gl';
import { addLayerGroup, inTier, removeLayerGroup, type LayerGroup } from '../../map/layers/layer-group.ts';
import { WALL_PALETTE } from './wall-palette.ts';

export const PLAYBACK_SOURCE_ID = 'wall-playback';
export const PLAYBACK_LAYER_IDS = { recent: 'wall-playback-recent', point: 'wall-playback-point' } as const;
/** Window seconds a case stays "just appeared". */
const RECENT_SECONDS = 3_600;

export function playbackFilter(seconds: number): ExpressionSpecification {
  return ['<=', ['get', 't'], seconds];
}

export function playbackLayers(seconds: number): LayerSpecification[] {
  return [
    inTier('highlight', {
      id: PLAYBACK_LAYER_IDS.point,
      type: 'circle',
      source: PLAYBACK_SOURCE_ID,
      filter: playbackFilter(seconds),
      paint: {
        'circle-color': ['case', ['==', ['get', 'urgency'], 'urgent'], WALL_PALETTE.urgent, WALL_PALETTE.playback],
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 9, 2.5, 15, 6],
        'circle-opacity': 0.75,
        'circle-stroke-color': '#ffffff',
        'circle-stroke-width': 0.8,
      },
    }),
    inTier('highlight', {
      id: PLAYBACK_LAYER_IDS.recent,
      type: 'circle',
      source: PLAYBACK_SOURCE_ID,
      filter: ['all', playbackFilter(seconds), ['>', ['get', 't'], seconds - RECENT_SECONDS]],
      paint: {
        'circle-color': 'rgba(0,0,0,0)',
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 9, 9, 15, 16],
        'circle-stroke-color': WALL_PALETTE.playback,
        'circle-stroke-width': 2,
      },
    }),
  ];
}

export function playbackLayerGroup(data: GeoJSONSourceSpecification['data']): LayerGroup {
  return { sources: { [PLAYBACK_SOURCE_ID]: { type: 'geojson', data } }, layers: playbackLayers(-1) };
}

export function showPlayback(map: MaplibreMap, data: GeoJSONSourceSpecification['data']): void {
  removeLayerGroup(map, playbackLayerGroup(data));
  addLayerGroup(map, playbackLayerGroup(data));
}

export function setPlaybackTime(map: MaplibreMap, seconds: number): void {
  if (map.getLayer(PLAYBACK_LAYER_IDS.point)) map.setFilter(PLAYBACK_LAYER_IDS.point, playbackFilter(seconds));
  if (map.getLayer(PLAYBACK_LAYER_IDS.recent))
    map.setFilter(PLAYBACK_LAYER_IDS.recent, ['all', playbackFilter(seconds), ['>', ['get', 't'], seconds - RECENT_SECONDS]]);
}

export function hidePlayback(map: MaplibreMap): void {
  removeLayerGroup(map, playbackLayerGroup({ type: 'FeatureCollection', features: [] }));
}

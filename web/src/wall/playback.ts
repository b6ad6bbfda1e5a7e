/**
 * Play-back of a time window (the last 24 hours by default): the cases of the
 * window appear on the map in the order they came in, at a chosen speed. The
 * clock is pure arithmetic; the map filters one GeoJSON source by time.
 */
import type { FeatureCollection, Point } from 'geojson';
import type { PlaybackCase } from './wall-api.ts';

/** Times faster than real time: 24 hours in 4 min, 1 min, 15 s. */
export const PLAYBACK_SPEEDS = [360, 1440, 5760] as const;

export interface PlaybackState {
  since: number;
  until: number;
  speed: number;
  /** The window's time shown when the play-back (re)started, and the wall time it did. */
  anchorTime: number;
  anchorWall: number;
  playing: boolean;
}

export function startPlayback(since: number, until: number, speed: number, wallNow: number): PlaybackState {
  return { since, until, speed, anchorTime: since, anchorWall: wallNow, playing: true };
}

/** The window's time shown at this wall time (stops at the end). */
export function playbackTime(state: PlaybackState, wallNow: number): number {
  if (!state.playing) return state.anchorTime;
  return Math.min(state.until, state.anchorTime + (wallNow - state.anchorWall) * state.speed);
}

export function pausePlayback(state: PlaybackState, wallNow: number): PlaybackState {
  return { ...state, anchorTime: playbackTime(state, wallNow), anchorWall: wallNow, playing: false };
}

export function resumePlayback(state: PlaybackState, wallNow: number): PlaybackState {
  const at = state.anchorTime >= state.until ? state.since : state.anchorTime;
  return { ...state, anchorTime: at, anchorWall: wallNow, playing: true };
}

export function seekPlayback(state: PlaybackState, time: number, wallNow: number): PlaybackState {
  return { ...state, anchorTime: Math.max(state.since, Math.min(state.until, time)), anchorWall: wallNow };
}

export function withSpeed(state: PlaybackState, speed: number, wallNow: number): PlaybackState {
  return { ...state, anchorTime: playbackTime(state, wallNow), anchorWall: wallNow, speed };
}

/** How many cases have appeared by `time` (cases sorted by time). */
export function appearedBy(cases: readonly PlaybackCase[], time: number): number {
  let low = 0;
  let high = cases.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (cases[middle]![3] <= time) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** The window's cases as points with their time (`t`, seconds after `since`) for a time filter. */
export function playbackGeoJson(cases: readonly PlaybackCase[], since: number): FeatureCollection<Point> {
  return {
    type: 'FeatureCollection',
    features: cases.map(([id, lon, lat, created, urgent, state, card, category]) => ({
      type: 'Feature',
      id,
      geometry: { type: 'Point', coordinates: [lon, lat] },
      properties: { id, t: Math.floor((created - since) / 1000), urgency: urgent ? 'urgent' : 'normal', state, card, category },
    })),
  };
}

/**
 * Cases that changed since the case tiles were last loaded, as the live
 * stream told of them: drawn at once as their own points (over the tiles,
 * whose copy of them is hidden), then, once the tiles have been reloaded and
 * hold them, only as a fading ring that marks what just happened. Bounded:
 * the wall runs for days.
 */
import type { Feature, FeatureCollection, Point } from 'geojson';
import type { WallCase } from './wall-api.ts';

export interface LiveCaseProperties {
  id: number;
  state: string;
  urgency: string;
  card: string;
  overdue: boolean;
  /** Changed in the last minute: drawn with a ring. */
  fresh: boolean;
  /** The case tiles hold this version: only the ring is drawn. */
  inTiles: boolean;
  /** Passes the wall's filter (else neither point nor ring). */
  shown: boolean;
}

interface Entry {
  item: WallCase;
  changedAt: number;
  inTiles: boolean;
}

export const FRESH_MS = 60_000;
export const MAX_LIVE_CASES = 2_000;

export class LiveCases {
  private readonly entries = new Map<number, Entry>();

  get size(): number {
    return this.entries.size;
  }

  /** The case as an event left it. */
  apply(item: WallCase, at: number): void {
    this.entries.delete(item.id);
    this.entries.set(item.id, { item, changedAt: at, inTiles: false });
    while (this.entries.size > MAX_LIVE_CASES) {
      const oldest = this.entries.keys().next().value as number;
      this.entries.delete(oldest);
    }
  }

  get(id: number): WallCase | undefined {
    return this.entries.get(id)?.item;
  }

  /** The tiles were reloaded after `at`: what changed before then is in them. */
  tilesReloaded(at: number): void {
    for (const entry of this.entries.values()) if (entry.changedAt <= at) entry.inTiles = true;
  }

  /** Forgets what the tiles hold and is no longer fresh. */
  prune(now: number): void {
    for (const [id, entry] of this.entries) if (entry.inTiles && now - entry.changedAt > FRESH_MS) this.entries.delete(id);
  }

  clear(): void {
    this.entries.clear();
  }

  /** Ids whose tile copy is out of date and must be hidden. */
  staleInTiles(): number[] {
    return [...this.entries.entries()].filter(([, entry]) => !entry.inTiles).map(([id]) => id);
  }

  toGeoJson(now: number, shown: (item: WallCase) => boolean): FeatureCollection<Point, LiveCaseProperties> {
    const features: Feature<Point, LiveCaseProperties>[] = [];
    for (const { item, changedAt, inTiles } of this.entries.values()) {
      if (item.lon === null || item.lat === null) continue;
      features.push({
        type: 'Feature',
        id: item.id,
        geometry: { type: 'Point', coordinates: [item.lon, item.lat] },
        properties: {
          id: item.id,
          state: item.state,
          urgency: item.urgency,
          card: item.card,
          overdue: item.overdue,
          fresh: now - changedAt <= FRESH_MS,
          inTiles,
          shown: shown(item),
        },
      });
    }
    return { type: 'FeatureCollection', features };
  }
}

/**
 * Where each grid worker was last seen, as the wall draws the markers: the
 * newest report per worker wins (an older one arriving late never moves a
 * marker back), and the label says how long ago that was.
 */
import type { Feature, FeatureCollection, Point } from 'geojson';
import type { WallPosition } from './wall-api.ts';

export interface WorkerMarkerProperties {
  userId: number;
  name: string;
  gridCode: string;
  /** Whole minutes since the report. */
  ageMinutes: number;
  /** The label under the marker: name and age. */
  label: string;
}

export type WorkerReport = Omit<WallPosition, 'id'>;

/** Markers of workers not seen for this long are dropped. */
export const FORGET_AFTER_MS = 24 * 3_600_000;

export class WorkerPositions {
  private readonly workers = new Map<number, WorkerReport & { time: number }>();

  get size(): number {
    return this.workers.size;
  }

  /** Takes reports; returns how many moved a marker. */
  apply(reports: readonly WorkerReport[]): number {
    let moved = 0;
    for (const report of reports) {
      const time = Date.parse(report.at);
      const known = this.workers.get(report.userId);
      if (known && known.time >= time) continue;
      this.workers.set(report.userId, { ...report, time });
      moved++;
    }
    return moved;
  }

  replaceAll(reports: readonly WorkerReport[]): void {
    this.workers.clear();
    this.apply(reports);
  }

  get(userId: number): (WorkerReport & { time: number }) | undefined {
    return this.workers.get(userId);
  }

  toGeoJson(now: number, ageText: (minutes: number) => string): FeatureCollection<Point, WorkerMarkerProperties> {
    const features: Feature<Point, WorkerMarkerProperties>[] = [];
    for (const [userId, worker] of this.workers) {
      if (now - worker.time > FORGET_AFTER_MS) {
        this.workers.delete(userId);
        continue;
      }
      const ageMinutes = Math.max(0, Math.floor((now - worker.time) / 60_000));
      features.push({
        type: 'Feature',
        id: userId,
        geometry: { type: 'Point', coordinates: [worker.lon, worker.lat] },
        properties: {
          userId,
          name: worker.name,
          gridCode: worker.gridCode ?? '',
          ageMinutes,
          label: `${worker.name} · ${ageText(ageMinutes)}`,
        },
      });
    }
    return { type: 'FeatureCollection', features };
  }
}

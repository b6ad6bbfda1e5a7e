/**
 * The version of each map layer (table map_version, bumped by triggers on
 * region, grid and basemap_feature) and the household band from the policy
 * table: together they name the data a tile was made from, so they are part
 * of every tile's cache key.
 *
 * The snapshot is read once and kept until the database says a layer changed
 * (NOTIFY 'map_changed', heard through LISTEN), and in any case for at most
 * `maxAgeMs` — the policy table sends no notification, and a lost connection
 * must not keep stale tiles forever. Without LISTEN (it failed), every tile
 * reads the versions afresh.
 */
import { sql, type Database } from '@minqing/db';
import { DEFAULT_HOUSEHOLD_BAND, type HouseholdBand } from '@minqing/shared';
import { parseHouseholdBand } from '../services/policy.service.ts';
import { CASE_EVENT_CHANNEL } from '../cases/case-events.ts';
import type { MapVersionKey } from './tile-layers.ts';

export interface MapVersionSnapshot {
  versions: Partial<Record<MapVersionKey, number>>;
  band: HouseholdBand;
}

export const MAP_CHANGED_CHANNEL = 'map_changed';

export class MapVersions {
  private snapshot: { value: MapVersionSnapshot; readAt: number } | null = null;
  /** Counts the changes heard; a read that overlapped one is used once but not kept. */
  private changes = 0;
  private reading: Promise<MapVersionSnapshot> | null = null;
  private listening: Promise<boolean> | null = null;
  private unlisten: (() => Promise<void>) | null = null;
  private unlistenCases: (() => Promise<void>) | null = null;
  private caseEventsHeard = 0;
  private hearingCases = false;

  constructor(
    private readonly db: Database,
    private readonly options: { maxAgeMs?: number; onListenError?: (error: unknown) => void } = {},
  ) {}

  async current(): Promise<MapVersionSnapshot> {
    const listening = await this.listen();
    const maxAge = listening ? (this.options.maxAgeMs ?? 30_000) : 0;
    if (this.snapshot && performance.now() - this.snapshot.readAt < maxAge) return this.snapshot.value;
    this.reading ??= this.read().finally(() => {
      this.reading = null;
    });
    return this.reading;
  }

  /**
   * How many case events this process has heard of (NOTIFY case_event): the
   * case layer's version. Null while not listening — then case tiles are not cached.
   */
  get caseChanges(): number | null {
    return this.hearingCases ? this.caseEventsHeard : null;
  }

  /** Forgets the snapshot: the next tile reads the versions again. */
  invalidate(): void {
    this.changes++;
    this.snapshot = null;
  }

  async close(): Promise<void> {
    await this.unlisten?.();
    this.unlisten = null;
    await this.unlistenCases?.();
    this.unlistenCases = null;
    this.hearingCases = false;
  }

  private listen(): Promise<boolean> {
    this.listening ??= this.db
      .listen(MAP_CHANGED_CHANNEL, () => this.invalidate())
      .then(async (unlisten) => {
        this.unlisten = unlisten;
        try {
          this.unlistenCases = await this.db.listen(CASE_EVENT_CHANNEL, () => this.caseEventsHeard++);
          this.hearingCases = true;
        } catch (error) {
          this.options.onListenError?.(error);
        }
        return true;
      })
      .catch((error: unknown) => {
        this.options.onListenError?.(error);
        return false;
      });
    return this.listening;
  }

  private async read(): Promise<MapVersionSnapshot> {
    const readAt = performance.now();
    const changesBefore = this.changes;
    const [row] = await this.db.query<{ versions: Record<string, number> | null; band: unknown }>(sql`
      select
        (select json_object_agg(layer, version) from map_version) as versions,
        (select value from policy where key = 'grid.household_band') as band`);
    const versions = row?.versions ?? {};
    const value: MapVersionSnapshot = {
      versions: { region: versions.region ?? 0, grid: versions.grid ?? 0, base: versions.base ?? 0 },
      band: parseHouseholdBand(row?.band) ?? DEFAULT_HOUSEHOLD_BAND,
    };
    // A change heard while reading may not be in what was read: keep it only if none came.
    if (this.changes === changesBefore) this.snapshot = { value, readAt };
    return value;
  }
}

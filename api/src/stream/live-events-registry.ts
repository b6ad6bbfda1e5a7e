/**
 * One hub per database handle (in practice: per API process), shared by the
 * routes that need it — the stream serves it, the position ingest wakes it —
 * without threading it through createApp.
 */
import type { Database } from '@minqing/db';
import { LiveEvents, type LiveEventsOptions } from './live-events.ts';

const hubs = new WeakMap<Database, LiveEvents>();

export function liveEventsFor(db: Database, options: LiveEventsOptions): LiveEvents {
  let hub = hubs.get(db);
  if (!hub) {
    hub = new LiveEvents(db, options);
    hubs.set(db, hub);
  }
  return hub;
}

/** Stops the hub of this database, if one was started (server shutdown). */
export async function closeLiveEvents(db: Database): Promise<void> {
  const hub = hubs.get(db);
  hubs.delete(db);
  await hub?.close();
}

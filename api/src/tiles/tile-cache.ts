/**
 * Encoded tiles kept in memory, least recently used first out, bounded by the
 * bytes they hold (plus a fixed allowance per entry for the key and the
 * bookkeeping, so a cache of empty tiles is bounded too). A budget of 0 keeps
 * nothing.
 */
export interface CachedTile {
  bytes: Uint8Array;
  /** Strong ETag of the bytes, quoted; null for an empty tile. */
  etag: string | null;
}

/** What an entry costs besides its bytes. */
export const ENTRY_OVERHEAD_BYTES = 256;

export class TileCache {
  private readonly entries = new Map<string, CachedTile>();
  private usedBytes = 0;

  constructor(readonly maxBytes: number) {}

  get enabled(): boolean {
    return this.maxBytes > 0;
  }

  get size(): number {
    return this.entries.size;
  }

  get bytes(): number {
    return this.usedBytes;
  }

  get(key: string): CachedTile | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    // Map keeps insertion order: move the entry to the most recent end.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry;
  }

  set(key: string, tile: CachedTile): void {
    const cost = costOf(tile);
    if (cost > this.maxBytes) return;
    this.delete(key);
    this.entries.set(key, tile);
    this.usedBytes += cost;
    for (const [oldestKey, oldest] of this.entries) {
      if (this.usedBytes <= this.maxBytes) break;
      this.entries.delete(oldestKey);
      this.usedBytes -= costOf(oldest);
    }
  }

  delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.usedBytes -= costOf(entry);
  }

  clear(): void {
    this.entries.clear();
    this.usedBytes = 0;
  }
}

function costOf(tile: CachedTile): number {
  return tile.bytes.byteLength + ENTRY_OVERHEAD_BYTES;
}

import { describe, expect, test } from 'vitest';
import { ENTRY_OVERHEAD_BYTES, TileCache } from './tile-cache.ts';

const tile = (size: number) => ({ bytes: new Uint8Array(size), etag: size ? `"${size}"` : null });

describe('TileCache', () => {
  test('gives back what it keeps', () => {
    const cache = new TileCache(10_000);
    cache.set('grid/14/1/2@1', tile(100));
    expect(cache.get('grid/14/1/2@1')?.etag).toBe('"100"');
    expect(cache.get('grid/14/1/3@1')).toBeUndefined();
  });

  test('stays within its byte budget, dropping the least recently used first', () => {
    const entry = 1000 + ENTRY_OVERHEAD_BYTES;
    const cache = new TileCache(entry * 3);
    cache.set('a', tile(1000));
    cache.set('b', tile(1000));
    cache.set('c', tile(1000));
    cache.get('a'); // a is now the most recent; b the least
    cache.set('d', tile(1000));
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBeDefined();
    expect(cache.get('c')).toBeDefined();
    expect(cache.get('d')).toBeDefined();
    expect(cache.bytes).toBeLessThanOrEqual(cache.maxBytes);
  });

  test('replacing an entry does not count it twice', () => {
    const cache = new TileCache(100_000);
    cache.set('a', tile(1000));
    cache.set('a', tile(2000));
    expect(cache.size).toBe(1);
    expect(cache.bytes).toBe(2000 + ENTRY_OVERHEAD_BYTES);
  });

  test('empty tiles cost their overhead, so many of them are bounded too', () => {
    const cache = new TileCache(ENTRY_OVERHEAD_BYTES * 10);
    for (let index = 0; index < 100; index++) cache.set(`empty/${index}`, tile(0));
    expect(cache.size).toBe(10);
  });

  test('a tile bigger than the whole budget is not kept, and a budget of 0 keeps nothing', () => {
    const small = new TileCache(500);
    small.set('big', tile(1000));
    expect(small.get('big')).toBeUndefined();
    const off = new TileCache(0);
    expect(off.enabled).toBe(false);
    off.set('a', tile(0));
    expect(off.size).toBe(0);
  });
});

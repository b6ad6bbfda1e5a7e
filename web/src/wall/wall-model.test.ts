import { describe, expect, it } from 'vitest';
import { defaultFilter, filterQuery, isDefaultFilter, matchesFilter, queryString } from './wall-filter.ts';
import { LiveCases, FRESH_MS } from './live-cases.ts';
import { WorkerPositions } from './worker-positions.ts';
import { appearedBy, pausePlayback, playbackTime, resumePlayback, startPlayback } from './playback.ts';
import type { PlaybackCase, WallCase } from './wall-api.ts';

const now = Date.parse('2026-11-24T10:00:00+08:00');

function wallCase(id: number, extra: Partial<WallCase> = {}): WallCase {
  return {
    id,
    state: 'dispatched',
    urgency: 'normal',
    card: 'none',
    overdue: false,
    categoryCode: '0401',
    categoryName: '道路',
    channel: 'hotline',
    townCode: '500101001000',
    townName: '高笋塘街道',
    villageCode: '500101001001',
    gridCode: '500101001001001',
    lon: 108.4,
    lat: 30.8,
    title: '路灯不亮',
    ownerUnitName: '区城市管理局',
    createdAt: new Date(now - 3_600_000).toISOString(),
    ...extra,
  };
}

describe('the wall filter', () => {
  it('sends nothing for the default, and each chosen filter as the API names it', () => {
    expect(filterQuery(defaultFilter())).toEqual({});
    expect(isDefaultFilter(defaultFilter())).toBe(true);
    const filter = { state: 'all', urgency: 'urgent', category: '04', town: '500101001000', hours: 24 } as const;
    expect(queryString(filterQuery(filter))).toBe('?state=all&urgency=urgent&category=04&town=500101001000&hours=24');
  });

  it('judges a live case as the server judges the tiles', () => {
    const filter = defaultFilter();
    expect(matchesFilter(wallCase(1), filter, now)).toBe(true);
    expect(matchesFilter(wallCase(1, { state: 'resolved' }), filter, now)).toBe(false);
    expect(matchesFilter(wallCase(1, { state: 'resolved' }), { ...filter, state: 'all' }, now)).toBe(true);
    expect(matchesFilter(wallCase(1), { ...filter, category: '01' }, now)).toBe(false);
    expect(matchesFilter(wallCase(1), { ...filter, town: '500101002000' }, now)).toBe(false);
    expect(
      matchesFilter(wallCase(1, { createdAt: new Date(now - 30 * 3_600_000).toISOString() }), { ...filter, hours: 24 }, now),
    ).toBe(false);
  });
});

describe('live cases over the tiles', () => {
  it('draws a changed case until the tiles hold it, then only its fading ring, then forgets it', () => {
    const live = new LiveCases();
    live.apply(wallCase(7, { card: 'yellow' }), now);
    expect(live.staleInTiles()).toEqual([7]);
    let [feature] = live.toGeoJson(now, () => true).features;
    expect(feature!.properties).toMatchObject({ id: 7, card: 'yellow', fresh: true, inTiles: false, shown: true });
    live.tilesReloaded(now + 10);
    expect(live.staleInTiles()).toEqual([]);
    [feature] = live.toGeoJson(now + 20, () => true).features;
    expect(feature!.properties).toMatchObject({ inTiles: true, fresh: true });
    live.prune(now + FRESH_MS + 1_000);
    expect(live.size).toBe(0);
  });

  it('a change after the reload is stale in the tiles again; the store stays bounded', () => {
    const live = new LiveCases();
    live.apply(wallCase(1), now);
    live.tilesReloaded(now);
    live.apply(wallCase(1, { state: 'accepted' }), now + 5);
    expect(live.staleInTiles()).toEqual([1]);
    for (let id = 2; id < 2_100; id++) live.apply(wallCase(id), now);
    expect(live.size).toBe(2_000);
  });
});

describe('worker markers', () => {
  it('the newest report wins; a late older one never moves the marker back', () => {
    const workers = new WorkerPositions();
    const report = (lon: number, secondsAgo: number) => ({
      userId: 5,
      name: '李娟',
      gridCode: '500101001001001',
      lon,
      lat: 30.8,
      accuracy: 8,
      at: new Date(now - secondsAgo * 1000).toISOString(),
    });
    expect(workers.apply([report(108.4, 60)])).toBe(1);
    expect(workers.apply([report(108.401, 30)])).toBe(1);
    expect(workers.apply([report(108.3, 90)])).toBe(0);
    const [marker] = workers.toGeoJson(now, (minutes) => `${minutes}分钟前`).features;
    expect(marker!.geometry.coordinates).toEqual([108.401, 30.8]);
    expect(marker!.properties).toMatchObject({ ageMinutes: 0, label: '李娟 · 0分钟前' });
    expect(workers.toGeoJson(now + 25 * 3_600_000, String).features).toEqual([]);
  });
});

describe('play-back', () => {
  const cases: PlaybackCase[] = [1, 2, 3, 4].map((id) => [
    id,
    108.4,
    30.8,
    now + id * 3_600_000,
    0,
    'dispatched',
    'none',
    '0401',
  ]);

  it('runs the window at speed, stops at its end, pauses and starts again', () => {
    const since = now;
    const until = now + 24 * 3_600_000;
    let state = startPlayback(since, until, 1440, 0);
    expect(playbackTime(state, 2_500)).toBe(since + 2_500 * 1440);
    expect(appearedBy(cases, playbackTime(state, 2_500))).toBe(1);
    expect(playbackTime(state, 120_000)).toBe(until);
    state = pausePlayback(state, 5_000);
    expect(playbackTime(state, 50_000)).toBe(since + 5_000 * 1440);
    state = resumePlayback(state, 50_000);
    expect(playbackTime(state, 51_000)).toBe(since + 6_000 * 1440);
    expect(appearedBy(cases, until)).toBe(4);
  });
});

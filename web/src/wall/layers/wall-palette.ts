/**
 * The wall's colours: cases by state (cool blues while they are handled,
 * greens once done), cards as a yellow or red ring (万州 红黄牌), urgent cases
 * with a pulsing red halo, grids tinted by load or overdue cases, workers in
 * green fading to grey as their last report ages. Layers and legend read these.
 */
import type { CaseState } from '@minqing/shared';

export const WALL_PALETTE = {
  state: {
    registered: '#6b7a90',
    dispatched: '#2f6fdb',
    accepted: '#1592a6',
    in_progress: '#6d4fd6',
    resolved: '#2e9d52',
    callback: '#7fb843',
    closed: '#98a2ad',
  } satisfies Record<CaseState, string>,
  card: { none: '#ffffff', yellow: '#f2c200', red: '#d93025' },
  urgent: '#ff2d20',
  cluster: { plain: '#2f6fdb', yellow: '#e0a800', red: '#d93025', text: '#ffffff' },
  /** Open cases per 100 households: none, a few, many. */
  load: ['rgba(0,0,0,0)', '#fde9a9', '#f8c15c', '#ef8633', '#d7462a', '#9b1b1b'],
  loadStops: [0, 0.1, 0.25, 0.5, 1, 2],
  overdue: ['rgba(0,0,0,0)', '#f5b041', '#e0582b', '#a31515'],
  overdueStops: [0, 1, 3, 6],
  worker: { fresh: '#14a44d', stale: '#8a949e', outline: '#ffffff', track: '#0f8a3e', label: '#0b4d25' },
  live: { ring: '#ff9f0a' },
  playback: '#e8590c',
} as const;

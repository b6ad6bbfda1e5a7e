export * from './normal-distribution.ts';
export * from './false-discovery-rate.ts';
export * from './getis-ord.ts';
export * from './mann-kendall.ts';
export * from './emerging-hotspots.ts';
export * from './text-grouping.ts';
export * from './case-rates.ts';
export * from './ranking.ts';

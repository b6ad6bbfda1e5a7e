export * from './jurisdiction/region.ts';
export * from './grid/household-band.ts';
export * from './grid/grid-code.ts';
export * from './map/tiles.ts';
export * from './organisation/units.ts';
export * from './grid/partition.ts';
export * from './geometry/cell-union.ts';

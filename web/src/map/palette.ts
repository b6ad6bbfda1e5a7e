/**
 * The colours of the district map: a light, government-GIS basemap (pale land,
 * blue water, roads by class) under purple administrative boundaries, with grids
 * tinted by their household band. Legend and layers read the same constants.
 */
export const PALETTE = {
  background: '#e8e6df',
  districtLand: '#f7f5ef',
  settlementArea: { city: '#eee3cf', town: '#f1e8d8', village: '#f3ede1', hamlet: '#f3ede1' },
  water: '#a5cdee',
  waterOutline: '#86b7e2',
  waterLabel: '#3f78b0',
  road: {
    expressway: { fill: '#f6b25a', casing: '#c9803a' },
    national: { fill: '#f59b8d', casing: '#c96a5c' },
    provincial: { fill: '#fbe08a', casing: '#c6a85a' },
    county: { fill: '#ffffff', casing: '#b9b2a3' },
    urban: { fill: '#ffffff', casing: '#c9c2b4' },
  },
  settlementLabel: '#3b3b3b',
  settlementMinorLabel: '#5e5e5e',
  labelHalo: 'rgba(255, 255, 255, 0.92)',
  district: { line: '#7b3f8c', halo: '#dccbe5' },
  town: { line: '#6a5a9c', label: '#3a2d66' },
  village: { line: '#8d8799', label: '#4d4a57' },
  grid: { line: '#6f7f6a', label: '#39463a' },
  band: { within: '#45a04f', below: '#e9a23b', above: '#d8483d', unknown: '#9e9e9e' },
  selected: { line: '#0b3fa8', casing: '#ffffff', fill: '#2f7de1' },
} as const;

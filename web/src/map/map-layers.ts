import type { MapSurface } from './layers/layer-group.ts';
import { setBaseVisible } from './layers/base.layer.ts';
import { setDistrictVisible } from './layers/district.layer.ts';
import { setGridVisible } from './layers/grid.layer.ts';
import { setTownVisible } from './layers/town.layer.ts';
import { setVillageVisible } from './layers/village.layer.ts';

/** The layer groups a user can switch on and off from the legend. */
export const SWITCHABLE_LAYERS = ['district', 'town', 'village', 'grid', 'base'] as const;
export type SwitchableLayer = (typeof SWITCHABLE_LAYERS)[number];
export type LayerVisibility = Record<SwitchableLayer, boolean>;

export function allLayersVisible(): LayerVisibility {
  return { district: true, town: true, village: true, grid: true, base: true };
}

const SETTERS: Record<SwitchableLayer, (map: MapSurface, visible: boolean) => void> = {
  district: setDistrictVisible,
  town: setTownVisible,
  village: setVillageVisible,
  grid: setGridVisible,
  base: setBaseVisible,
};

export function applyLayerVisibility(map: MapSurface, visibility: LayerVisibility): void {
  for (const layer of SWITCHABLE_LAYERS) SETTERS[layer](map, visibility[layer]);
}

import type { LayerSpecification, Map as MaplibreMap, SourceSpecification } from 'maplibre-gl';

/**
 * Where a layer is drawn, bottom to top. Each layer carries its tier in
 * `metadata['minqing:tier']`, so layers added later still land in the right place.
 */
export const DRAW_ORDER = [
  'land',
  'land-use',
  'fill',
  'water',
  'road',
  'grid-boundary',
  'village-boundary',
  'town-boundary',
  'district-boundary',
  'highlight',
  'label-basemap',
  'label-grid',
  'label-village',
  'label-town',
] as const;
export type DrawTier = (typeof DRAW_ORDER)[number];

const TIER_KEY = 'minqing:tier';

/** The sources and layers one map module owns; added and removed together. */
export interface LayerGroup {
  sources: Record<string, SourceSpecification>;
  layers: LayerSpecification[];
}

/** The part of the MapLibre map that layer modules use. */
export type MapSurface = Pick<
  MaplibreMap,
  | 'addSource'
  | 'getSource'
  | 'removeSource'
  | 'addLayer'
  | 'getLayer'
  | 'removeLayer'
  | 'getStyle'
  | 'setLayoutProperty'
  | 'setFilter'
>;

export function inTier<T extends LayerSpecification>(tier: DrawTier, layer: T): T {
  return { ...layer, metadata: { ...(layer.metadata as object | undefined), [TIER_KEY]: tier } };
}

/**
 * A layer's tier. Layers without one belong to someone else's style (an
 * external basemap): they count as the bottom tier, so ours go over them.
 */
export function tierOf(layer: Pick<LayerSpecification, 'metadata'>): DrawTier {
  const tier = (layer.metadata as Record<string, unknown> | undefined)?.[TIER_KEY];
  return (DRAW_ORDER as readonly unknown[]).includes(tier) ? (tier as DrawTier) : 'land';
}

function rank(layer: Pick<LayerSpecification, 'metadata'>): number {
  return DRAW_ORDER.indexOf(tierOf(layer));
}

/** Layers sorted into draw order; layers of one tier keep the order they came in. */
export function inDrawOrder(layers: LayerSpecification[]): LayerSpecification[] {
  return layers
    .map((layer, index) => ({ layer, index }))
    .sort((a, b) => rank(a.layer) - rank(b.layer) || a.index - b.index)
    .map(({ layer }) => layer);
}

/** The absolute URL template of one of our vector-tile layers. */
export function tileUrl(origin: string, layer: string): string {
  return `${origin.replace(/\/$/, '')}/tiles/${layer}/{z}/{x}/{y}.mvt`;
}

/** The id of the layer a new layer goes under: the first one of a higher tier (none: on top). */
export function layerToInsertBefore(
  existing: readonly Pick<LayerSpecification, 'id' | 'metadata'>[],
  layer: LayerSpecification,
): string | undefined {
  return existing.find((candidate) => rank(candidate) > rank(layer))?.id;
}

/** Adds a group's sources (when missing) and layers, each in its tier. */
export function addLayerGroup(map: MapSurface, group: LayerGroup): void {
  for (const [id, source] of Object.entries(group.sources)) {
    if (!map.getSource(id)) map.addSource(id, source);
  }
  for (const layer of group.layers) {
    if (map.getLayer(layer.id)) continue;
    map.addLayer(layer, layerToInsertBefore(map.getStyle().layers, layer));
  }
}

/** Removes a group's layers, then its sources. */
export function removeLayerGroup(map: MapSurface, group: LayerGroup): void {
  for (const layer of group.layers) {
    if (map.getLayer(layer.id)) map.removeLayer(layer.id);
  }
  for (const id of Object.keys(group.sources)) {
    if (map.getSource(id)) map.removeSource(id);
  }
}

/** Shows or hides every layer of a group. */
export function setLayerGroupVisible(map: MapSurface, group: LayerGroup, visible: boolean): void {
  for (const layer of group.layers) {
    if (map.getLayer(layer.id)) map.setLayoutProperty(layer.id, 'visibility', visible ? 'visible' : 'none');
  }
}

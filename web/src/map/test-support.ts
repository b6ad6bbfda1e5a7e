import {
  createPropertyExpression,
  featureFilter,
  latest,
  type FilterSpecification,
  type LayerSpecification,
} from '@maplibre/maplibre-gl-style-spec';

/**
 * Evaluates layer specs the way MapLibre does, with MapLibre's own style-spec
 * package, so tests check what a feature would look like on the map.
 */
export interface TestFeature {
  geometry: 'Point' | 'LineString' | 'Polygon';
  properties: Record<string, unknown>;
  id?: string | number;
  state?: Record<string, unknown>;
}

const GEOMETRY_TYPES = { Point: 1, LineString: 2, Polygon: 3 } as const;

function asFeature(feature: TestFeature) {
  return { type: GEOMETRY_TYPES[feature.geometry], properties: feature.properties, id: feature.id };
}

/** Whether the layer's filter lets the feature through at the zoom. */
export function passesFilter(layer: LayerSpecification, feature: TestFeature, zoom: number): boolean {
  if (!('filter' in layer) || layer.filter === undefined) return true;
  const compiled = featureFilter(layer.filter as FilterSpecification, 'filter');
  return compiled.filter({ zoom }, asFeature(feature) as never);
}

/** Whether the layer draws anything at the zoom (its minzoom/maxzoom and visibility). */
export function visibleAtZoom(layer: LayerSpecification, zoom: number): boolean {
  if (layer.minzoom !== undefined && zoom < layer.minzoom) return false;
  if (layer.maxzoom !== undefined && zoom >= layer.maxzoom) return false;
  return (layer.layout as { visibility?: string } | undefined)?.visibility !== 'none';
}

/** The value of a paint or layout property for a feature at a zoom, as MapLibre computes it. */
export function evaluateProperty(
  layer: LayerSpecification,
  kind: 'paint' | 'layout',
  name: string,
  feature: TestFeature,
  zoom: number,
): unknown {
  const values = (layer[kind] ?? {}) as Record<string, unknown>;
  const reference = (latest as unknown as Record<string, Record<string, unknown>>)[`${kind}_${layer.type}`]?.[name];
  if (!reference) throw new Error(`${layer.type} layers have no ${kind} property ${name}`);
  const value = values[name] ?? (reference as { default?: unknown }).default;
  const parsed = createPropertyExpression(value, `${layer.id}.${name}`, reference as never);
  if (parsed.result !== 'success') {
    throw new Error(`${layer.id}.${name}: ${parsed.value.map((error) => error.message).join('; ')}`);
  }
  return parsed.value.evaluate({ zoom }, asFeature(feature) as never, feature.state ?? {});
}

/** A colour as a CSS-style hex string, for comparing with the palette. */
export function hex(color: unknown): string {
  const { r, g, b } = color as { r: number; g: number; b: number; a: number };
  const channel = (value: number) =>
    Math.round(value * 255)
      .toString(16)
      .padStart(2, '0');
  return `#${channel(r)}${channel(g)}${channel(b)}`;
}

export function layerById(layers: LayerSpecification[], id: string): LayerSpecification {
  const layer = layers.find((candidate) => candidate.id === id);
  if (!layer) throw new Error(`no layer ${id}`);
  return layer;
}

/**
 * The wizard's map: the district map's basemap and boundaries (or the
 * deployment's external basemap) with the staged data and the report's
 * problems drawn over them. One MapLibre map, created once mounted and its
 * style known, marked raw, fed by watchers, removed on unmount.
 */
import { markRaw, onBeforeUnmount, onMounted, shallowRef, watch, type Ref, type ShallowRef } from 'vue';
import * as maplibregl from 'maplibre-gl';
import type { GeoJSONSource, LngLatBoundsLike } from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';
import type { FeatureCollection } from 'geojson';
import { fetchClientConfig } from '../api/config.ts';
import { addLayerGroup } from '../map/layers/layer-group.ts';
import { mapStyleSource } from '../map/style.ts';
import type { ImportProblem, PreviewCollection } from './import-api.ts';
import { PREVIEW_SOURCE, PROBLEM_SOURCE, previewLayers, problemPoints } from './import-preview.layer.ts';

maplibregl.setWorkerUrl(workerUrl);

declare global {
  interface Window {
    /** Test hook for the browser tests: the wizard's map and what it shows. */
    __minqingImport?: { map: maplibregl.Map; previewFeatures: number };
  }
}

const EMPTY: FeatureCollection = { type: 'FeatureCollection', features: [] };

export function useImportMap(
  container: Ref<HTMLElement | null>,
  preview: Ref<PreviewCollection | null>,
  problems: Ref<ImportProblem[]>,
) {
  const map: ShallowRef<maplibregl.Map | null> = shallowRef(null);
  let loaded = false;
  let alive = true;
  let marker: maplibregl.Marker | null = null;

  function draw() {
    const current = map.value;
    if (!current || !loaded) return;
    (current.getSource(PREVIEW_SOURCE) as GeoJSONSource | undefined)?.setData(
      (preview.value as FeatureCollection | null) ?? EMPTY,
    );
    (current.getSource(PROBLEM_SOURCE) as GeoJSONSource | undefined)?.setData(problemPoints(problems.value));
    window.__minqingImport = { map: current, previewFeatures: preview.value?.features.length ?? 0 };
    const bbox = preview.value?.bbox;
    if (bbox) {
      current.fitBounds(bbox as LngLatBoundsLike, { padding: 32, animate: false, maxZoom: 16 });
      current.once('idle', () => {
        if (container.value) container.value.dataset.previewDrawn = String(preview.value?.features.length ?? 0);
      });
    }
  }

  function addOverlay(current: maplibregl.Map) {
    current.addSource(PREVIEW_SOURCE, { type: 'geojson', data: EMPTY });
    current.addSource(PROBLEM_SOURCE, { type: 'geojson', data: EMPTY });
    for (const layer of previewLayers()) current.addLayer(layer);
    loaded = true;
    draw();
  }

  async function create() {
    let basemapStyleUrl: string | null = null;
    try {
      basemapStyleUrl = (await fetchClientConfig()).basemapStyleUrl;
    } catch {
      // The built-in basemap, then.
    }
    if (!alive || !container.value || map.value) return;
    const source = mapStyleSource(basemapStyleUrl, { origin: window.location.origin });
    const created = markRaw(
      new maplibregl.Map({
        container: container.value,
        style: source.kind === 'built-in' ? source.style : source.url,
        center: [108.4, 30.8],
        zoom: 6,
        dragRotate: false,
        pitchWithRotate: false,
        attributionControl: false,
      }),
    );
    created.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
    created.addControl(new maplibregl.ScaleControl({ unit: 'metric', maxWidth: 120 }), 'bottom-right');
    created.once('style.load', () => {
      if (source.kind === 'external') for (const group of source.overlays) addLayerGroup(created, group);
      addOverlay(created);
    });
    map.value = created;
  }

  /** Flies to a problem's place and marks it. */
  function focus(location: [number, number]) {
    const current = map.value;
    if (!current) return;
    marker ??= new maplibregl.Marker({ color: '#c62828' });
    marker.setLngLat(location).addTo(current);
    current.flyTo({ center: location, zoom: Math.max(current.getZoom(), 14), duration: 600 });
  }

  onMounted(() => void create());
  watch([preview, problems], draw);
  onBeforeUnmount(() => {
    alive = false;
    marker?.remove();
    map.value?.remove();
    map.value = null;
    delete window.__minqingImport;
  });

  return { map, focus };
}

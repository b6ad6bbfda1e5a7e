import { markRaw, onBeforeUnmount, onMounted, ref, shallowRef, watch, type Ref, type ShallowRef } from 'vue';
import * as maplibregl from 'maplibre-gl';
import type { GeoJSONSource, LngLatBoundsLike, MapGeoJSONFeature, MapLayerMouseEvent, MapMouseEvent } from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';
import type { FeatureCollection, Point } from 'geojson';
import {
  GRID_LAYER_IDS,
  GRID_SOURCE_ID,
  GRID_SOURCE_LAYER,
  setGridLabelUnit,
  setSelectedGrid,
} from '../map/layers/grid.layer.ts';
import { TOWN_LABEL_SOURCE_ID } from '../map/layers/town.layer.ts';
import { VILLAGE_LABEL_SOURCE_ID } from '../map/layers/village.layer.ts';
import { addLayerGroup } from '../map/layers/layer-group.ts';
import { applyLayerVisibility, type LayerVisibility } from '../map/map-layers.ts';
import type { MapStyleSource } from '../map/style.ts';
import type { RegionLabelProperties } from '../map/region-labels.ts';

// MapLibre 6 looks for its worker beside its own module; once bundled, tell it where Vite put it.
maplibregl.setWorkerUrl(workerUrl);

declare global {
  interface Window {
    /** Test hook for the browser tests: the map, once it has loaded. */
    __minqing?: { map: maplibregl.Map };
  }
}

type Labels = FeatureCollection<Point, RegionLabelProperties>;

export interface UseMapOptions {
  /** What to draw; the map is created once this is known (null while the settings load). */
  style: Ref<MapStyleSource | null>;
  /** Where to look first: the map fits these bounds once, as soon as they and the map exist. */
  initialBounds: Ref<[number, number, number, number] | null>;
  selectedGridCode: Ref<string | null>;
  townLabels: Ref<Labels>;
  villageLabels: Ref<Labels>;
  householdUnit: Ref<string>;
  visibility: Ref<LayerVisibility>;
  /** Room kept free at the map's edges (panels over it), in pixels. */
  padding?: Ref<{ top: number; right: number; bottom: number; left: number }>;
  onGridClick?: (code: string) => void;
  onEmptyClick?: () => void;
}

/**
 * The one owner of the MapLibre map: created once mounted and its style is
 * known (marked raw, so Vue never proxies it), fed by watchers, removed in
 * onBeforeUnmount.
 */
export function useMap(container: Ref<HTMLElement | null>, options: UseMapOptions) {
  const map: ShallowRef<maplibregl.Map | null> = shallowRef(null);
  const loaded = ref(false);
  const gridsRendered = ref(false);
  let hoveredCode: string | null = null;
  let initialViewSet = false;

  function fit(bounds: [number, number, number, number], animate: boolean) {
    const current = map.value;
    if (!current) return;
    const padding = options.padding?.value ?? { top: 32, right: 32, bottom: 32, left: 32 };
    current.fitBounds(bounds as LngLatBoundsLike, { padding, animate, maxZoom: 15.5 });
  }

  function setHovered(code: string | null) {
    const current = map.value;
    if (!current || code === hoveredCode) return;
    if (hoveredCode)
      current.setFeatureState({ source: GRID_SOURCE_ID, sourceLayer: GRID_SOURCE_LAYER, id: hoveredCode }, { hover: false });
    hoveredCode = code;
    if (code) current.setFeatureState({ source: GRID_SOURCE_ID, sourceLayer: GRID_SOURCE_LAYER, id: code }, { hover: true });
  }

  function gridCodeOf(features: MapGeoJSONFeature[] | undefined): string | null {
    const code = features?.[0]?.properties?.code;
    return typeof code === 'string' || typeof code === 'number' ? String(code) : null;
  }

  function setLabels(sourceId: string, labels: Labels) {
    (map.value?.getSource(sourceId) as GeoJSONSource | undefined)?.setData(labels);
  }

  let mounted = false;

  function create(source: MapStyleSource) {
    if (!container.value || map.value) return;
    const created = markRaw(
      new maplibregl.Map({
        container: container.value,
        style: source.kind === 'built-in' ? source.style : source.url,
        center: [108.4, 30.8],
        zoom: 9,
        minZoom: 7,
        maxZoom: 18,
        dragRotate: false,
        pitchWithRotate: false,
        touchPitch: false,
        attributionControl: false,
      }),
    );
    created.touchZoomRotate.disableRotation();
    created.keyboard.disableRotation();
    created.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
    created.addControl(new maplibregl.ScaleControl({ unit: 'metric', maxWidth: 120 }), 'bottom-right');
    map.value = created;
    setInitialView();

    if (source.kind === 'external') {
      // Someone else's basemap: our boundaries and grids go over it once it has loaded.
      created.once('style.load', () => {
        for (const group of source.overlays) addLayerGroup(created, group);
      });
    }

    created.on('load', () => {
      loaded.value = true;
      window.__minqing = { map: created };
      setLabels(TOWN_LABEL_SOURCE_ID, options.townLabels.value);
      setLabels(VILLAGE_LABEL_SOURCE_ID, options.villageLabels.value);
      applyLayerVisibility(created, options.visibility.value);
      setSelectedGrid(created, options.selectedGridCode.value);
      setGridLabelUnit(created, options.householdUnit.value);
    });

    created.on('idle', () => {
      if (gridsRendered.value || !created.getLayer(GRID_LAYER_IDS.fill) || !created.isSourceLoaded(GRID_SOURCE_ID)) return;
      if (created.queryRenderedFeatures({ layers: [GRID_LAYER_IDS.fill] }).length === 0) return;
      gridsRendered.value = true;
      document.body.dataset.mapReady = 'true';
    });

    created.on('mousemove', GRID_LAYER_IDS.fill, (event: MapLayerMouseEvent) => {
      created.getCanvas().style.cursor = 'pointer';
      setHovered(gridCodeOf(event.features));
    });
    created.on('mouseleave', GRID_LAYER_IDS.fill, () => {
      created.getCanvas().style.cursor = '';
      setHovered(null);
    });
    created.on('click', (event: MapMouseEvent) => {
      const features = created.getLayer(GRID_LAYER_IDS.fill)
        ? created.queryRenderedFeatures(event.point, { layers: [GRID_LAYER_IDS.fill] })
        : [];
      const code = gridCodeOf(features);
      if (code) options.onGridClick?.(code);
      else options.onEmptyClick?.();
    });
  }

  onMounted(() => {
    mounted = true;
    if (options.style.value) create(options.style.value);
  });
  watch(options.style, (source) => {
    if (mounted && source) create(source);
  });

  function setInitialView() {
    if (initialViewSet || !map.value || !options.initialBounds.value) return;
    initialViewSet = true;
    fit(options.initialBounds.value, false);
  }
  watch(options.initialBounds, setInitialView);
  watch(options.selectedGridCode, (code) => {
    if (map.value) setSelectedGrid(map.value, code);
  });
  watch(options.townLabels, (labels) => setLabels(TOWN_LABEL_SOURCE_ID, labels));
  watch(options.villageLabels, (labels) => setLabels(VILLAGE_LABEL_SOURCE_ID, labels));
  watch(options.householdUnit, (unit) => {
    if (map.value) setGridLabelUnit(map.value, unit);
  });
  watch(
    options.visibility,
    (visibility) => {
      if (map.value && loaded.value) applyLayerVisibility(map.value, visibility);
    },
    { deep: true },
  );

  onBeforeUnmount(() => {
    mounted = false;
    setHovered(null);
    map.value?.remove();
    map.value = null;
    loaded.value = false;
    delete window.__minqing;
    delete document.body.dataset.mapReady;
  });

  return { map, loaded, gridsRendered, fitTo: (bounds: [number, number, number, number]) => fit(bounds, true) };
}

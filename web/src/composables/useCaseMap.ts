import { markRaw, onBeforeUnmount, onMounted, ref, shallowRef, watch, type Ref, type ShallowRef } from 'vue';
import * as maplibregl from 'maplibre-gl';
import type { LngLatBoundsLike, MapMouseEvent } from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';
import { fetchRegions, type BoundingBox } from '../api/regions.ts';
import { setSelectedGrid } from '../map/layers/grid.layer.ts';
import { emptyLabels, regionLabelPoints } from '../map/region-labels.ts';
import { buildMapStyle } from '../map/style.ts';

maplibregl.setWorkerUrl(workerUrl);

export interface CasePoint {
  lon: number;
  lat: number;
}

export interface UseCaseMapOptions {
  /** The case's place (WGS-84): a marker, and the view centres on it. */
  point: Ref<CasePoint | null>;
  /** The grid the case fell in: outlined as the selected grid. */
  gridCode?: Ref<string | null>;
  /** The word after household counts in grid labels (户). */
  householdUnit: Ref<string>;
  /** Clicks on the map pick a point (the intake form's picker). */
  onPick?: (point: CasePoint) => void;
  /** Keep the map and its buttons out of the Tab order (a keyboard-first form around it). */
  skipInTabOrder?: boolean;
}

interface DistrictFrame {
  bbox: BoundingBox | null;
  townLabels: ReturnType<typeof regionLabelPoints>;
  villageLabels: ReturnType<typeof regionLabelPoints>;
}

let frame: Promise<DistrictFrame> | null = null;

/** The district's extent and town and village labels, read once per page load for every small map. */
function districtFrame(): Promise<DistrictFrame> {
  frame ??= Promise.all([fetchRegions('district'), fetchRegions('town'), fetchRegions('village')])
    .then(([districts, towns, villages]) => ({
      bbox: districts[0]?.bbox ?? null,
      townLabels: regionLabelPoints(towns),
      villageLabels: regionLabelPoints(villages),
    }))
    .catch((error: unknown) => {
      console.warn(`small map without labels: ${String(error)}`);
      frame = null;
      return { bbox: null, townLabels: emptyLabels(), villageLabels: emptyLabels() };
    });
  return frame;
}

/** The zoom a case point is shown at: a few streets around it, its grid outlined. */
const POINT_ZOOM = 13;

/**
 * A small MapLibre map for the desk: the district map's own layers (base,
 * boundaries, grids) with one marker for the case. Created once mounted,
 * marked raw, fed by watchers, removed on unmount. `ready` turns true (and the
 * container gets data-map-ready) once the first view has been drawn.
 */
export function useCaseMap(container: Ref<HTMLElement | null>, options: UseCaseMapOptions) {
  const map: ShallowRef<maplibregl.Map | null> = shallowRef(null);
  const ready = ref(false);
  let marker: maplibregl.Marker | null = null;
  let alive = true;

  function placeMarker(point: CasePoint | null, move: boolean) {
    const current = map.value;
    if (!current) return;
    if (!point) {
      marker?.remove();
      marker = null;
      return;
    }
    if (!marker) {
      const element = document.createElement('div');
      element.className = 'case-map-marker';
      element.dataset.testid = 'case-map-marker';
      // MapLibre positions the element with its own transform: the pin's shape is drawn by a child.
      element.append(document.createElement('span'));
      marker = new maplibregl.Marker({ element, anchor: 'bottom' });
    }
    marker.setLngLat([point.lon, point.lat]).addTo(current);
    if (move) current.easeTo({ center: [point.lon, point.lat], zoom: Math.max(current.getZoom(), POINT_ZOOM), duration: 400 });
  }

  async function create() {
    const district = await districtFrame();
    if (!alive || !container.value || map.value) return;
    const point = options.point.value;
    const created = markRaw(
      new maplibregl.Map({
        container: container.value,
        style: buildMapStyle({
          origin: window.location.origin,
          householdUnit: options.householdUnit.value,
          selectedGridCode: options.gridCode?.value ?? null,
          townLabels: district.townLabels,
          villageLabels: district.villageLabels,
        }),
        center: point ? [point.lon, point.lat] : [108.4, 30.8],
        zoom: point ? POINT_ZOOM : 8.5,
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
    if (options.skipInTabOrder) {
      for (const element of container.value.querySelectorAll<HTMLElement>('canvas, button, a')) element.tabIndex = -1;
    }
    if (!point && district.bbox) created.fitBounds(district.bbox as LngLatBoundsLike, { padding: 8, animate: false });
    map.value = created;
    placeMarker(point, false);
    if (options.onPick) {
      created.getCanvas().style.cursor = 'crosshair';
      created.on('click', (event: MapMouseEvent) => options.onPick?.({ lon: event.lngLat.lng, lat: event.lngLat.lat }));
    }
    created.once('idle', () => {
      ready.value = true;
      if (container.value) container.value.dataset.mapReady = 'true';
    });
  }

  onMounted(() => void create());

  watch(
    () => options.point.value,
    (point, previous) => {
      if (point?.lon === previous?.lon && point?.lat === previous?.lat) return;
      placeMarker(point, true);
    },
  );
  if (options.gridCode) {
    watch(options.gridCode, (code) => {
      if (map.value?.isStyleLoaded()) setSelectedGrid(map.value, code);
    });
  }

  onBeforeUnmount(() => {
    alive = false;
    marker?.remove();
    map.value?.remove();
    map.value = null;
  });

  return { map, ready };
}

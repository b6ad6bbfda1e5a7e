/**
 * The one owner of terra-draw in the planner: drawing a new grid (polygon),
 * a line to split a grid (two clicks), and moving the vertices of one grid
 * (select mode) — each snapping to the village boundary, neighbouring grids
 * and roads. Created once the map has loaded (marked raw), fed by `setTool`,
 * stopped in onBeforeUnmount. What the user drew goes to the callbacks as
 * plain GeoJSON; terra-draw keeps nothing afterwards.
 */
import { markRaw, onBeforeUnmount, watch, type Ref, type ShallowRef } from 'vue';
import type { Map as MapLibreMap } from 'maplibre-gl';
import {
  TerraDraw,
  TerraDrawLineStringMode,
  TerraDrawPolygonMode,
  TerraDrawRenderMode,
  TerraDrawSelectMode,
  type SnapToCustom,
} from 'terra-draw';
import { TerraDrawMapLibreGLAdapter } from 'terra-draw-maplibre-gl-adapter';
import { snapPosition, type PolygonRings, type Position } from '@minqing/shared';

export type DrawTool = 'none' | 'line' | 'polygon' | 'reshape';

export interface PlannerDrawOptions {
  /** Lines to snap to: village and grid rings, roads. */
  snapLines: () => Position[][];
  onLine: (line: Position[]) => void;
  onPolygon: (rings: PolygonRings) => void;
  onReshape: (rings: PolygonRings) => void;
}

/** About ten screen pixels in metres at this zoom and latitude. */
function snapTolerance(map: MapLibreMap): number {
  const latitude = map.getCenter().lat;
  return (10 * 156_543.03 * Math.cos((latitude * Math.PI) / 180)) / 2 ** map.getZoom();
}

export function usePlannerDraw(map: ShallowRef<MapLibreMap | null>, loaded: Ref<boolean>, options: PlannerDrawOptions) {
  let draw: TerraDraw | null = null;
  let reshapeId: string | number | null = null;

  const snap: SnapToCustom = (event) => {
    if (!map.value) return undefined;
    const position: Position = [event.lng, event.lat];
    const snapped = snapPosition(position, { lines: options.snapLines() }, snapTolerance(map.value));
    return snapped === position ? undefined : snapped;
  };

  function create(current: MapLibreMap) {
    if (draw) return;
    draw = markRaw(
      new TerraDraw({
        adapter: new TerraDrawMapLibreGLAdapter({ map: current }),
        modes: [
          new TerraDrawRenderMode({ modeName: 'static', styles: {} }),
          // A split line is two clicks, not snapped: it cuts where the planner clicks.
          new TerraDrawLineStringMode({ finishOnNthCoordinate: 2 }),
          new TerraDrawPolygonMode({ snapping: { toCustom: snap } }),
          new TerraDrawSelectMode({
            flags: {
              polygon: {
                feature: {
                  draggable: false,
                  coordinates: { draggable: true, midpoints: true, deletable: true, snappable: { toCustom: snap } },
                },
              },
            },
          }),
        ],
      }),
    );
    draw.start();
    draw.setMode('static');
    draw.on('finish', (id, context) => {
      const feature = draw?.getSnapshotFeature(id);
      if (!feature) return;
      const geometry = feature.geometry as { type: string; coordinates: unknown };
      if (context.mode === 'linestring' && geometry.type === 'LineString') {
        draw!.removeFeatures([id]);
        options.onLine(geometry.coordinates as Position[]);
      } else if (context.mode === 'polygon' && geometry.type === 'Polygon') {
        draw!.removeFeatures([id]);
        options.onPolygon(geometry.coordinates as PolygonRings);
      } else if (context.mode === 'select' && id === reshapeId && geometry.type === 'Polygon') {
        options.onReshape(geometry.coordinates as PolygonRings);
      }
    });
  }

  watch(
    [map, loaded],
    ([current, isLoaded]) => {
      if (current && isLoaded) create(current);
    },
    { immediate: true },
  );

  /** Switches the tool; for reshaping, the grid's outline to edit. */
  function setTool(tool: DrawTool, reshape?: PolygonRings) {
    if (!draw) return;
    draw.clear();
    reshapeId = null;
    if (tool === 'none') draw.setMode('static');
    else if (tool === 'line') draw.setMode('linestring');
    else if (tool === 'polygon') draw.setMode('polygon');
    else if (tool === 'reshape' && reshape) {
      draw.setMode('select');
      const [result] = draw.addFeatures([
        { type: 'Feature', geometry: { type: 'Polygon', coordinates: reshape }, properties: { mode: 'polygon' } },
      ]);
      if (result?.valid && result.id !== undefined) {
        reshapeId = result.id;
        draw.selectFeature(result.id);
      }
    }
  }

  onBeforeUnmount(() => {
    draw?.stop();
    draw = null;
  });

  return { setTool };
}

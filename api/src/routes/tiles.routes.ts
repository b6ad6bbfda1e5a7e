/**
 * GET /tiles/{layer}/{z}/{x}/{y}.mvt — Mapbox Vector Tiles of the district,
 * town, village and grid boundaries and of the basemap (river, road,
 * settlement in one tile). 204 for an empty tile, 404 for a layer not served,
 * 400 for an address outside the tile pyramid. The route is written by hand
 * (Hono cannot name a parameter followed by ".mvt" in OpenAPI style) and
 * registered in the OpenAPI document separately.
 */
import { z } from '@hono/zod-openapi';
import { MAX_TILE_ZOOM } from '@minqing/shared';
import { NotFoundError } from '../errors.ts';
import { createRouter } from '../http/router.ts';
import { errorResponses } from '../schemas/common.schema.ts';
import { SERVED_TILE_LAYERS } from '../services/tiles.service.ts';
import type { RouteDependencies } from './dependencies.ts';

export const TILE_CONTENT_TYPE = 'application/vnd.mapbox-vector-tile';
/**
 * Boundaries change when a planner publishes or an import commits, and the map must show it at once: browsers
 * keep tiles but ask again each time (If-None-Match → 304 from the server's cache, no body sent).
 */
export const TILE_CACHE_CONTROL = 'public, no-cache';

/** Digits only, or NaN — so "1e1", " 3" or "0x2" are refused, not read as numbers. */
function tileNumber(text: string): number {
  return /^[0-9]{1,9}$/.test(text) ? Number(text) : Number.NaN;
}

function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === etag);
}

export function tileRoutes({ tiles }: RouteDependencies) {
  const router = createRouter();

  router.openAPIRegistry.registerPath({
    method: 'get',
    path: '/tiles/{layer}/{z}/{x}/{y}.mvt',
    tags: ['tiles'],
    summary: 'A vector tile (Mapbox Vector Tile 2.1) of one layer',
    description:
      'Layers: district, town, village (properties code, name, parent_code for town and village), ' +
      'grid (code, name, village_code, households, population, band; from zoom 10 also grid_label: one point ' +
      'per grid with code, households, band) and base (three layers in one tile: ' +
      'river, road, settlement, each with kind and name). Cached in memory by the layer version; ETag and ' +
      'If-None-Match give 304. Signed-in readers of cases only: case (below zoom 15 case_cluster: count, urgent, ' +
      'yellow, red, overdue, and id/state/urgency/card for a cluster of one; from zoom 15 case: id, state, urgency, card, ' +
      'overdue, category, category_code, town_code, created; query parameters state, urgency, category, town, hours, ' +
      'since, until filter it) and worker (worker: the last position of each grid worker seen in 24 h with user_id, ' +
      'name, grid_code, seen, age_minutes, accuracy; from zoom 12 worker_track: the last hour, one line per quarter ' +
      'hour, age 0 newest). These two are cached by the count of case events heard and the minute (case) or five ' +
      'seconds (worker), and sent with Cache-Control: private, no-cache.',
    request: {
      params: z.object({
        layer: z.enum(SERVED_TILE_LAYERS as [string, ...string[]]).openapi({ param: { name: 'layer', in: 'path' } }),
        z: z
          .number()
          .int()
          .min(0)
          .max(MAX_TILE_ZOOM)
          .openapi({ param: { name: 'z', in: 'path' } }),
        x: z
          .number()
          .int()
          .min(0)
          .openapi({ param: { name: 'x', in: 'path' } }),
        y: z
          .number()
          .int()
          .min(0)
          .openapi({ param: { name: 'y', in: 'path' } }),
      }),
    },
    responses: {
      200: {
        description: 'The tile',
        headers: { ETag: { schema: { type: 'string' } }, 'Cache-Control': { schema: { type: 'string' } } },
        content: { [TILE_CONTENT_TYPE]: { schema: { type: 'string', format: 'binary' } } },
      },
      204: { description: 'Empty tile: no feature of the layer touches it' },
      304: { description: 'Not modified (If-None-Match matched the ETag)' },
      400: { ...errorResponses[400], description: 'z, x or y outside the tile pyramid' },
      401: { ...errorResponses[400], description: 'case and worker: sign in first' },
      403: { ...errorResponses[400], description: 'case and worker: a role that reads no cases' },
      404: { ...errorResponses[404], description: 'Unknown layer' },
      503: errorResponses[503],
    },
  });

  router.get('/tiles/:layer/:z/:x/:file', async (c) => {
    const { layer, z: zText, x: xText, file } = c.req.param();
    const match = /^(.*)\.mvt$/.exec(file);
    if (!match) throw new NotFoundError(`no route for ${c.req.method} ${c.req.path}: tiles end in .mvt`, 'route_not_found');
    const tile = await tiles.tile(
      layer,
      { z: tileNumber(zText), x: tileNumber(xText), y: tileNumber(match[1]!) },
      { actor: c.get('actor'), query: c.req.query() },
    );
    // Live layers (case, worker): the browser asks again every time and gets a 304 while nothing changed.
    c.header('Cache-Control', tile.maxAgeSeconds === null ? TILE_CACHE_CONTROL : 'private, no-cache');
    c.header('X-Tile-Cache', tile.cached ? 'hit' : 'miss');
    if (tile.bytes.byteLength === 0 || !tile.etag) return c.body(null, 204);
    c.header('ETag', tile.etag);
    if (etagMatches(c.req.header('If-None-Match'), tile.etag)) return c.body(null, 304);
    c.header('Content-Type', TILE_CONTENT_TYPE);
    return c.body(tile.bytes as Uint8Array<ArrayBuffer>, 200);
  });

  return router;
}

/**
 * Two ways to turn a layer's rows into a Mapbox Vector Tile, behind one
 * interface:
 *
 * - `postgis`: ST_AsMVTGeom + ST_AsMVT in one query — the fastest path, used on
 *   a real PostGIS;
 * - `javascript`: the database clips (ST_ClipByBox2D), moves to tile units
 *   (ST_Affine) and snaps to the integer grid (ST_SnapToGrid), answers GeoJSON,
 *   and @maplibre/vt-pbf writes the tile — for PGlite, whose PostGIS is built
 *   without protobuf-c (ST_AsMVT fails there).
 *
 * Both start from the same rows in the same frame and simplify the same way, so
 * they give the same features with the same properties.
 */
import type { Queryable } from '@minqing/db';
import { sql, type SqlFragment } from '@minqing/db';
import { fromVectorTileJs, type VectorTileFeatureLike, type VectorTileLayerLike } from '@maplibre/vt-pbf';
import { toMvtGeometry, type TileGeoJson } from './mvt-geometry.ts';
import type { TileFrame } from './tile-frame.ts';
import { sourceLayersAt, type TileContext, type TileLayerDefinition, type TileSourceLayer } from './tile-layers.ts';

export type TileEncoderName = 'postgis' | 'javascript';

export interface TileEncoder {
  readonly name: TileEncoderName;
  /** The encoded tile; zero bytes when no feature touches it. */
  encode(db: Queryable, layer: TileLayerDefinition, frame: TileFrame, context: TileContext): Promise<Uint8Array>;
}

const EMPTY = new Uint8Array(0);

/** The rows' geometry in Web Mercator, simplified to about a tile unit below full-detail zoom. */
function mercatorGeometry(source: TileSourceLayer, frame: TileFrame): SqlFragment {
  const transformed = sql`ST_Transform(source.geom, 3857)`;
  if (!source.simplify || frame.simplifyTolerance === null) return transformed;
  return sql`ST_Simplify(${transformed}, ${frame.simplifyTolerance}::float8, true)`;
}

function propertyColumns(source: TileSourceLayer): SqlFragment {
  return sql.join(
    source.properties.map((column) => sql`source.${sql.identifier(column)}`),
    ', ',
  );
}

function mercatorBox(frame: TileFrame, buffered: boolean): SqlFragment {
  const { west, south, east, north } = buffered ? frame.bufferedBounds : frame.bounds;
  return sql`ST_MakeEnvelope(${west}::float8, ${south}::float8, ${east}::float8, ${north}::float8, 3857)::box2d`;
}

export const postgisTileEncoder: TileEncoder = {
  name: 'postgis',
  async encode(db, layer, frame, context) {
    const sources = sourceLayersAt(layer, frame.coordinate.z);
    if (sources.length === 0) return EMPTY;
    const parts = sources.map(
      (source) => sql`coalesce((
        select ST_AsMVT(tile, ${source.name}::text, ${frame.extent}::int4, 'geom')
        from (
          select ${propertyColumns(source)},
            ST_AsMVTGeom(${mercatorGeometry(source, frame)}, ${mercatorBox(frame, false)}, ${frame.extent}::int4, ${frame.buffer}::int4, true) as geom
          from (${source.rows(frame, context)}) as source
        ) as tile
        where tile.geom is not null
      ), ''::bytea)`,
    );
    const [row] = await db.query<{ tile: Uint8Array | null }>(sql`select ${sql.join(parts, ' || ')} as tile`);
    return row?.tile ? new Uint8Array(row.tile.buffer, row.tile.byteOffset, row.tile.byteLength) : EMPTY;
  },
};

interface QuantisedRow {
  geometry: TileGeoJson | null;
  [property: string]: unknown;
}

/** Rows of one layer, clipped to the buffered frame and quantised to integer tile units, as GeoJSON. */
function quantisedRows(source: TileSourceLayer, frame: TileFrame, context: TileContext): SqlFragment {
  const { scaleX, scaleY, offsetX, offsetY } = frame.affine;
  return sql`
    select ${sql.join(
      source.properties.map((column) => sql`quantised.${sql.identifier(column)}`),
      ', ',
    )}, ST_AsGeoJSON(quantised.tile_geom, 0)::json as geometry
    from (
      select ${propertyColumns(source)},
        ST_SnapToGrid(
          ST_Affine(
            ST_ClipByBox2D(${mercatorGeometry(source, frame)}, ${mercatorBox(frame, true)}),
            ${scaleX}::float8, 0, 0, ${scaleY}::float8, ${offsetX}::float8, ${offsetY}::float8
          ),
          1
        ) as tile_geom
      from (${source.rows(frame, context)}) as source
    ) as quantised
    where quantised.tile_geom is not null and not ST_IsEmpty(quantised.tile_geom)`;
}

type MvtProperties = VectorTileFeatureLike['properties'];
type MvtRings = ReturnType<VectorTileFeatureLike['loadGeometry']>;

function featureProperties(row: QuantisedRow, source: TileSourceLayer): MvtProperties {
  const properties: MvtProperties = {};
  for (const column of source.properties) {
    const value = row[column];
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') properties[column] = value;
  }
  return properties;
}

export const javascriptTileEncoder: TileEncoder = {
  name: 'javascript',
  async encode(db, layer, frame, context) {
    const layers: Record<string, VectorTileLayerLike> = {};
    const sources = sourceLayersAt(layer, frame.coordinate.z);
    const results = await Promise.all(sources.map((source) => db.query<QuantisedRow>(quantisedRows(source, frame, context))));
    sources.forEach((source, index) => {
      const features: VectorTileFeatureLike[] = [];
      for (const row of results[index] ?? []) {
        const geometry = toMvtGeometry(row.geometry);
        if (!geometry) continue;
        features.push({
          type: geometry.type,
          properties: featureProperties(row, source),
          id: undefined,
          extent: frame.extent,
          // vt-pbf reads only x and y of each point.
          loadGeometry: () => geometry.rings as unknown as MvtRings,
        });
      }
      if (features.length === 0) return;
      layers[source.name] = {
        version: 2,
        name: source.name,
        extent: frame.extent,
        length: features.length,
        feature: (index) => features[index]!,
      };
    });
    if (Object.keys(layers).length === 0) return EMPTY;
    return fromVectorTileJs({ layers });
  },
};

export const TILE_ENCODERS: Record<TileEncoderName, TileEncoder> = {
  postgis: postgisTileEncoder,
  javascript: javascriptTileEncoder,
};

/**
 * Whether this database's PostGIS can write vector tiles itself (it needs
 * protobuf-c; PGlite's PostGIS has none).
 */
export async function canEncodeWithPostgis(db: Queryable): Promise<boolean> {
  try {
    await db.query(
      sql`select ST_AsMVT(tile, 'probe') from (select ST_AsMVTGeom(ST_Point(1, 1, 3857), ST_MakeEnvelope(0, 0, 4096, 4096, 3857)::box2d) as geom) as tile`,
    );
    return true;
  } catch {
    return false;
  }
}

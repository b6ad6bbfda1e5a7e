/**
 * Reads the geometry of each record: checks its structure, refuses 3D
 * coordinates, takes it to WGS-84 with the file's coordinate reference, and
 * keeps count of geometry types and the extent — so that at the end a file
 * mixing kinds of geometry (polygons and points) is refused as a whole.
 * An empty geometry (no coordinates) becomes null: the checks report it by
 * feature.
 */
import type { CoordinateReference } from './coordinate-reference.ts';
import { IMPORT_FILE_REASONS, ImportFileError, type RecordGeometry } from './import-file.ts';

const FAMILY: Record<string, string> = {
  Point: 'point',
  MultiPoint: 'point',
  LineString: 'line',
  MultiLineString: 'line',
  Polygon: 'polygon',
  MultiPolygon: 'polygon',
  GeometryCollection: 'collection',
};

/** Nesting depth of `coordinates` per type. */
const DEPTH: Record<string, number> = { Point: 0, MultiPoint: 1, LineString: 1, MultiLineString: 2, Polygon: 2, MultiPolygon: 3 };

/** Rings must end where they start (RFC 7946); some writers leave the last position out. */
function closeRings(rings: [number, number][][]): void {
  for (const ring of rings) {
    const first = ring[0];
    const last = ring.at(-1);
    if (first && last && (first[0] !== last[0] || first[1] !== last[1])) ring.push([first[0], first[1]]);
  }
}

export interface GeometryOutcome {
  geometryTypes: Record<string, number>;
  bbox: [number, number, number, number] | null;
  notes: string[];
}

export class GeometryReader {
  private readonly types = new Map<string, { count: number; first: number }>();
  private west = Infinity;
  private south = Infinity;
  private east = -Infinity;
  private north = -Infinity;

  constructor(
    private readonly reference: CoordinateReference,
    /** How a record is named in messages: 'feature' or 'row'. */
    private readonly recordWord: string,
  ) {}

  /** The record's geometry in WGS-84, or null when it has none or it is empty. */
  read(raw: unknown, position: number): RecordGeometry | null {
    if (raw === null || raw === undefined) return this.count('none', position, null);
    if (typeof raw !== 'object' || typeof (raw as { type?: unknown }).type !== 'string') {
      throw new ImportFileError(
        IMPORT_FILE_REASONS.badCoordinates,
        `${this.recordWord} ${position}: its geometry is not a GeoJSON geometry (no "type")`,
      );
    }
    const geometry = raw as RecordGeometry;
    if (!(geometry.type in FAMILY)) {
      throw new ImportFileError(
        IMPORT_FILE_REASONS.badCoordinates,
        `${this.recordWord} ${position}: "${geometry.type}" is not a geometry type`,
      );
    }
    const converted = this.convert(geometry, position);
    return this.count(converted ? geometry.type : 'none', position, converted);
  }

  private count(type: string, position: number, geometry: RecordGeometry | null): RecordGeometry | null {
    const entry = this.types.get(type);
    if (entry) entry.count += 1;
    else this.types.set(type, { count: 1, first: position });
    return geometry;
  }

  private convert(geometry: RecordGeometry, position: number): RecordGeometry | null {
    if (geometry.type === 'GeometryCollection') {
      const parts = (geometry.geometries ?? []).map((part) => this.convert(part, position)).filter((part) => part !== null);
      return parts.length === 0 ? null : { type: 'GeometryCollection', geometries: parts };
    }
    const coordinates = this.walk(geometry.coordinates, DEPTH[geometry.type]!, position);
    if (coordinates === null) return null;
    if (geometry.type === 'Polygon') closeRings(coordinates as [number, number][][]);
    if (geometry.type === 'MultiPolygon') for (const polygon of coordinates as [number, number][][][]) closeRings(polygon);
    return { type: geometry.type, coordinates };
  }

  /** Converts the positions at `depth` levels of nesting; null when nothing is left (empty). */
  private walk(value: unknown, depth: number, position: number): unknown {
    if (!Array.isArray(value)) {
      if (value === undefined || value === null) return null;
      throw new ImportFileError(IMPORT_FILE_REASONS.badCoordinates, `${this.recordWord} ${position}: coordinates are not arrays`);
    }
    if (depth === 0) return this.position(value, position);
    const parts = value.map((part) => this.walk(part, depth - 1, position)).filter((part) => part !== null);
    return parts.length === 0 ? null : parts;
  }

  private position(value: unknown[], position: number): [number, number] | null {
    if (value.length === 0) return null;
    if (value.length < 2 || !value.every((number) => typeof number === 'number' && Number.isFinite(number))) {
      throw new ImportFileError(
        IMPORT_FILE_REASONS.badCoordinates,
        `${this.recordWord} ${position}: the position [${value.slice(0, 4).join(', ')}] is not a pair of numbers`,
      );
    }
    if (value.length > 2) {
      throw new ImportFileError(
        IMPORT_FILE_REASONS.threeDimensional,
        `${this.recordWord} ${position} has 3D coordinates [${value.slice(0, 3).join(', ')}]: boundaries and locations are 2D; ` +
          'export the file without heights (Z)',
      );
    }
    const [lon, lat] = this.reference.toWgs84(value as number[]);
    if (
      !(Math.abs(lon) <= 180 && Math.abs(lat) <= 90) &&
      this.reference.identity &&
      Math.abs(lon) <= 90 &&
      Math.abs(lat) <= 180
    ) {
      throw new ImportFileError(
        IMPORT_FILE_REASONS.notDegrees,
        `${this.recordWord} ${position} lies at ${String(value[0])}, ${String(value[1])}: that is latitude, longitude — ` +
          'the file has them swapped; put the longitude first (x = longitude, y = latitude)',
      );
    }
    if (!(Math.abs(lon) <= 180 && Math.abs(lat) <= 90)) {
      throw new ImportFileError(
        IMPORT_FILE_REASONS.notDegrees,
        `${this.recordWord} ${position} lies at ${String(value[0])}, ${String(value[1])}, which are not longitude/latitude degrees ` +
          `after reading them as ${this.reference.name}: the file seems to be in a projected coordinate system it does not name; ` +
          'choose its coordinate system (e.g. EPSG:4545, CGCS2000 3-degree Gauss-Kruger CM 108E) or export it in WGS-84',
      );
    }
    if (lon < this.west) this.west = lon;
    if (lon > this.east) this.east = lon;
    if (lat < this.south) this.south = lat;
    if (lat > this.north) this.north = lat;
    return [lon, lat];
  }

  /** Counts and extent; refuses a file that mixes kinds of geometry. */
  finish(): GeometryOutcome {
    const families = new Map<string, { count: number; first: number; types: string[] }>();
    for (const [type, entry] of this.types) {
      if (type === 'none') continue;
      const family = FAMILY[type]!;
      const known = families.get(family);
      if (known) {
        known.count += entry.count;
        known.first = Math.min(known.first, entry.first);
        known.types.push(type);
      } else families.set(family, { count: entry.count, first: entry.first, types: [type] });
    }
    if (families.size > 1) {
      const parts = [...families.values()]
        .sort((a, b) => b.count - a.count)
        .map((family) => `${family.count} ${family.types.join('/')} (first: ${this.recordWord} ${family.first})`);
      throw new ImportFileError(
        IMPORT_FILE_REASONS.mixedGeometryTypes,
        `the file mixes kinds of geometry: ${parts.join(', ')}; a file holds one kind (boundaries: polygons; buildings: points)`,
      );
    }
    const notes: string[] = [];
    const hasExtent = this.west <= this.east;
    if (hasExtent && (this.east < 73 || this.west > 136 || this.north < 3 || this.south > 54)) {
      const swapped = this.west >= 3 && this.east <= 54 && this.south >= 73 && this.north <= 136;
      notes.push(
        swapped
          ? 'the coordinates look like latitude, longitude (swapped): they fall outside China as longitude, latitude'
          : 'the coordinates fall outside China: check the coordinate system',
      );
    }
    return {
      geometryTypes: Object.fromEntries([...this.types].map(([type, entry]) => [type, entry.count])),
      bbox: hasExtent ? [this.west, this.south, this.east, this.north] : null,
      notes,
    };
  }
}

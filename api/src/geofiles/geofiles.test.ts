import { describe, expect, it } from 'vitest';
import { zipSync } from 'fflate';
import { GeoFileError, projectionFromWkt, readGeoJson, readShapefileZip } from './index.ts';

const GAUSS_KRUGER_108 =
  'PROJCS["CGCS2000_3_Degree_GK_CM_108E",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",' +
  'SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],' +
  'PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],' +
  'PARAMETER["Central_Meridian",108.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('projections of imported files', () => {
  it('takes WGS-84 and CGCS2000 degrees as they are', () => {
    expect(
      projectionFromWkt(
        'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137,298.257223563]],PRIMEM["Greenwich",0],UNIT["Degree",0.0174532925199433]]',
      ).identity,
    ).toBe(true);
    expect(
      projectionFromWkt(
        'GEOGCS["China Geodetic Coordinate System 2000",DATUM["China_2000",SPHEROID["CGCS2000",6378137,298.257222101]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]]',
      ).identity,
    ).toBe(true);
  });

  it('turns CGCS2000 Gauss–Krüger metres (central meridian 108°E) into degrees near 万州', () => {
    const projection = projectionFromWkt(GAUSS_KRUGER_108);
    expect(projection.identity).toBe(false);
    const [lon, lat] = projection.forward([538_300, 3_408_700]);
    expect(lon).toBeCloseTo(108.4, 1);
    expect(lat).toBeCloseTo(30.8, 1);
  });

  it('names a .prj it cannot use', () => {
    expect(() => projectionFromWkt('PROJCS["nonsense",PROJECTION["No_Such_Thing"]]')).toThrow(GeoFileError);
  });
});

describe('file readers', () => {
  it('reads a GeoJSON FeatureCollection, a bare Feature and a bare geometry', () => {
    const polygon = {
      type: 'Polygon',
      coordinates: [
        [
          [108.4, 30.8],
          [108.41, 30.8],
          [108.41, 30.81],
          [108.4, 30.8],
        ],
      ],
    };
    expect(
      readGeoJson(
        bytes(
          JSON.stringify({
            type: 'FeatureCollection',
            features: [{ type: 'Feature', geometry: polygon, properties: { code: 'x' } }],
          }),
        ),
      ).features[0],
    ).toMatchObject({
      index: 1,
      properties: { code: 'x' },
      geometry: { type: 'Polygon' },
    });
    expect(readGeoJson(bytes(JSON.stringify(polygon))).features).toHaveLength(1);
  });

  it('refuses what is not GeoJSON, saying why', () => {
    expect(() => readGeoJson(bytes('{oops'))).toThrow(/not JSON/);
    expect(() => readGeoJson(bytes('{"hello": 1}'))).toThrow(/no "type"/);
  });

  it('refuses a zip without its .prj, and a file that is not a zip', async () => {
    const zip = zipSync({ 'grids.shp': new Uint8Array(100), 'grids.dbf': new Uint8Array(40), 'grids.shx': new Uint8Array(100) });
    await expect(readShapefileZip(zip)).rejects.toMatchObject({ reason: 'missing_projection' });
    await expect(readShapefileZip(bytes('not a zip'))).rejects.toMatchObject({ reason: 'not_zip' });
    await expect(readShapefileZip(zipSync({ 'readme.txt': bytes('hi') }))).rejects.toMatchObject({ reason: 'missing_part' });
  });
});

import { describe, expect, it } from 'vitest';
import { chooseReference, referenceFromCrsName, referenceFromEpsg, referenceFromWkt } from './coordinate-reference.ts';
import { readGeoJsonStream } from './geojson.reader.ts';
import { GeometryReader } from './geometry-reader.ts';
import { formatOfFileName, ImportFileError, type ImportRecord } from './index.ts';
import { readCsvStream } from './table.reader.ts';

async function* chunks(text: string | Uint8Array, size: number) {
  const bytes = typeof text === 'string' ? new TextEncoder().encode(text) : text;
  for (let start = 0; start < bytes.length; start += size) yield bytes.subarray(start, start + size);
}

async function reason(work: Promise<unknown>): Promise<string> {
  try {
    await work;
  } catch (error) {
    if (error instanceof ImportFileError) return error.reason;
    throw error;
  }
  return 'none';
}

describe('the import readers', () => {
  it('stream a FeatureCollection feature by feature, whatever the chunk size', async () => {
    const collection = JSON.stringify({
      type: 'FeatureCollection',
      features: Array.from({ length: 7 }, (_, index) => ({
        type: 'Feature',
        properties: { CODE: `50010100100${index}`, 名称: `村${index}`, extra: { nested: true } },
        geometry: {
          type: 'Polygon',
          coordinates: [
            [
              [108, 30],
              [108.1, 30],
              [108.1, 30.1],
              [108, 30.1],
            ],
          ],
        },
      })),
    });
    for (const size of [1, 7, 1_000_000]) {
      const records: ImportRecord[] = [];
      const [summary] = [
        await readGeoJsonStream(
          chunks(collection, size),
          { fileName: 'a.geojson' },
          async (_layer, batch) => void records.push(...batch),
        ),
      ];
      expect(summary.records).toBe(7);
      expect(records.map((record) => record.position)).toEqual([1, 2, 3, 4, 5, 6, 7]);
      expect(records[2]!.properties).toEqual({ CODE: '500101001002', 名称: '村2', extra: '{"nested":true}' });
      // The open ring is closed.
      expect((records[0]!.geometry!.coordinates as number[][][])[0]).toHaveLength(5);
    }
  });

  it('refuse 3D positions, mixed kinds of geometry and projected numbers read as degrees', async () => {
    const feature = (geometry: unknown) => ({ type: 'Feature', properties: {}, geometry });
    const file = (...features: unknown[]) => JSON.stringify({ type: 'FeatureCollection', features });
    const sink = async () => {};
    expect(
      await reason(
        readGeoJsonStream(chunks(file(feature({ type: 'Point', coordinates: [108, 30, 5] })), 9), { fileName: 'a' }, sink),
      ),
    ).toBe('three_dimensional');
    expect(
      await reason(
        readGeoJsonStream(
          chunks(
            file(
              feature({ type: 'Point', coordinates: [108, 30] }),
              feature({
                type: 'LineString',
                coordinates: [
                  [108, 30],
                  [109, 31],
                ],
              }),
            ),
            9,
          ),
          { fileName: 'a' },
          sink,
        ),
      ),
    ).toBe('mixed_geometry_types');
    expect(
      await reason(
        readGeoJsonStream(chunks(file(feature({ type: 'Point', coordinates: [540000, 3410000] })), 9), { fileName: 'a' }, sink),
      ),
    ).toBe('coordinates_not_degrees');
    expect(await reason(readGeoJsonStream(chunks('{"type":"FeatureCollection","features":[', 9), { fileName: 'a' }, sink))).toBe(
      'not_json',
    );
  });

  it('follow a crs named after the features when it arrives in time, and say so when it does not', async () => {
    const features = Array.from({ length: 3 }, () => ({
      type: 'Feature',
      properties: {},
      geometry: { type: 'Point', coordinates: [540_000, 3_410_000] },
    }));
    const text = JSON.stringify({
      type: 'FeatureCollection',
      features,
      crs: { type: 'name', properties: { name: 'EPSG:4545' } },
    });
    const [summary] = [await readGeoJsonStream(chunks(text, 1_000_000), { fileName: 'a.geojson' }, async () => {})];
    expect(summary.sourceSystem).toMatch(/EPSG:4545/);
    expect(
      await reason(readGeoJsonStream(chunks(text, 16), { fileName: 'a.geojson', coordinateSystem: 'WGS84' }, async () => {})),
    ).toBe('coordinates_not_degrees');
    expect(
      await reason(
        readGeoJsonStream(
          chunks(text.replaceAll('540000', '108.4').replaceAll('3410000', '30.8'), 16),
          { fileName: 'a.geojson' },
          async () => {},
        ),
      ),
    ).toBe('unknown_projection');
  });

  it('notice longitude and latitude swapped', () => {
    const reader = new GeometryReader(chooseReference('auto', null), 'row');
    // A latitude over 90: refused, saying why.
    expect(() => reader.read({ type: 'Point', coordinates: [30.8, 108.4] }, 1)).toThrow(
      /latitude, longitude — the file has them swapped/,
    );
    // Still degrees either way round (西藏, 新疆): a note, since the points fall outside China.
    reader.read({ type: 'Point', coordinates: [31.0, 80.0] }, 2);
    expect(reader.finish().notes.join()).toMatch(/swapped/);
  });

  it('read CGCS2000 Gauss–Krüger from an EPSG code, a crs name or a .prj', () => {
    const byCode = referenceFromEpsg(4545);
    expect(byCode.name).toMatch(/3-degree Gauss-Kruger CM 108E/);
    const [lon, lat] = byCode.toWgs84([540_000, 3_410_000]);
    expect(lon).toBeCloseTo(108.418, 3);
    expect(lat).toBeCloseTo(30.81, 2);
    expect(referenceFromCrsName('urn:ogc:def:crs:EPSG::4545').toWgs84([540_000, 3_410_000])).toEqual([lon, lat]);
    expect(referenceFromCrsName('urn:ogc:def:crs:OGC:1.3:CRS84').identity).toBe(true);
    expect(referenceFromEpsg(4490).identity).toBe(true);
    expect(() => referenceFromEpsg(2383)).toThrow(/EPSG:2383 is not one/);
    expect(() => referenceFromWkt('PROJCS["Xian_1980_3_Degree_GK_CM_108E",GEOGCS["GCS_Xian_1980"]]', 'a.prj')).toThrow(
      /Xi'an 1980/,
    );
  });

  it('detect a GBK CSV, and say so when the user chose UTF-8 for it', async () => {
    // "地址,户数\n石碾村3组12号,1" in GBK.
    const gbk = new Uint8Array([
      0xb5, 0xd8, 0xd6, 0xb7, 0x2c, 0xbb, 0xa7, 0xca, 0xfd, 0x0a, 0xca, 0xaf, 0xc4, 0xeb, 0xb4, 0xe5, 0x33, 0xd7, 0xe9, 0x31,
      0x32, 0xba, 0xc5, 0x2c, 0x31, 0x0a,
    ]);
    const records: ImportRecord[] = [];
    const summary = await readCsvStream(
      chunks(gbk, 5),
      { fileName: 'h.csv' },
      async (_layer, batch) => void records.push(...batch),
    );
    expect(summary.encoding).toMatch(/^gbk/);
    expect(records[0]!.properties).toEqual({ 地址: '石碾村3组12号', 户数: '1' });
    expect(await reason(readCsvStream(chunks(gbk, 5), { fileName: 'h.csv', encoding: 'utf-8' }, async () => {}))).toBe(
      'wrong_encoding',
    );
  });

  it('pick the reader by the file name and say what to do with the ones they do not read', () => {
    expect(['a.GeoJSON', 'b.zip', 'c.csv', 'd.xlsx'].map(formatOfFileName)).toEqual(['geojson', 'shapefile', 'csv', 'excel']);
    expect(() => formatOfFileName('villages.shp')).toThrow(/put its \.shp, \.dbf, \.shx, \.prj .* in one \.zip/);
    expect(() => formatOfFileName('county.gpkg')).toThrow(/GeoPackage/);
  });
});

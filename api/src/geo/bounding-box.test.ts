import { describe, expect, test } from 'vitest';
import { parseBoundingBox } from './bounding-box.ts';

describe('parseBoundingBox', () => {
  test('reads west,south,east,north', () => {
    expect(parseBoundingBox('108.35,30.78,108.42,30.83')).toEqual({ valid: true, bbox: [108.35, 30.78, 108.42, 30.83] });
    expect(parseBoundingBox(' 108 , 30.5 ,108.5, 31 ')).toEqual({ valid: true, bbox: [108, 30.5, 108.5, 31] });
  });

  test.each([
    ['108.3,30.7,108.4', /four numbers.*got 3 values/],
    ['108.3,30.7,108.4,30.8,1', /got 5 values/],
    ['', /got 1 value$/],
    ['108.3,abc,108.4,30.8', /south is not a number: "abc"/],
    ['108.3,,108.4,30.8', /south is not a number/],
    ['0x10,30.7,108.4,30.8', /west is not a number/],
    ['108.3,30.7,Infinity,30.8', /east is not a number/],
    ['-181,30.7,108.4,30.8', /west must be a longitude from -180 to 180, got -181/],
    ['108.3,-91,108.4,30.8', /south must be a latitude from -90 to 90/],
    ['108.4,30.7,108.3,30.8', /west \(108.4\) must be less than east \(108.3\)/],
    ['108.3,30.7,108.3,30.8', /west \(108.3\) must be less than east/],
    ['108.3,30.8,108.4,30.7', /south \(30.8\) must be less than north/],
    ['100,20,110,30', /too big: at most 5° each way \(got 10° × 10°\)/],
  ])('refuses %j, saying why', (text, reason) => {
    const result = parseBoundingBox(text);
    expect(result.valid).toBe(false);
    if (!result.valid) expect(result.reason).toMatch(reason);
  });
});

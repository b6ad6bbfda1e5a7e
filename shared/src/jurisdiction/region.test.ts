import { describe, expect, it } from 'vitest';
import { levelOfRegionCode, parentRegionCode, regionKindFromName, toRegionCode } from './region.ts';

describe('region codes', () => {
  it('tells the level from the digits', () => {
    expect(levelOfRegionCode('500101000000')).toBe('district');
    expect(levelOfRegionCode('500101001000')).toBe('town');
    expect(levelOfRegionCode('500101001001')).toBe('village');
  });

  it('walks up the tree', () => {
    expect(parentRegionCode('500101001001')).toBe('500101001000');
    expect(parentRegionCode('500101001000')).toBe('500101000000');
    expect(parentRegionCode('500101000000')).toBeNull();
  });

  it('pads short codes and refuses malformed ones', () => {
    expect(toRegionCode('500101')).toBe('500101000000');
    expect(toRegionCode('500101017')).toBe('500101017000');
    expect(() => toRegionCode('5001')).toThrow(/division code/);
    expect(() => levelOfRegionCode('50010100100')).toThrow(/12-digit/);
  });

  it('reads the kind from the official name', () => {
    expect(regionKindFromName('town', '高笋塘街道')).toBe('street');
    expect(regionKindFromName('town', '地宝土家族乡')).toBe('township');
    expect(regionKindFromName('town', '分水镇')).toBe('town');
    expect(regionKindFromName('village', '东方广场社区居民委员会')).toBe('community');
    expect(regionKindFromName('village', '黄村村民委员会')).toBe('village');
  });
});

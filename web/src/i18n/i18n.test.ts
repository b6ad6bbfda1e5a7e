import { describe, expect, it } from 'vitest';
import { en } from './en.ts';
import { DEFAULT_LOCALE, LOCALE_STORAGE_KEY, createAppI18n, rememberLocale, storedLocale } from './index.ts';
import { zhCN } from './zh-CN.ts';

function keysOf(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix];
  return Object.entries(value).flatMap(([key, child]) => keysOf(child, prefix ? `${prefix}.${key}` : key));
}

function memoryStorage(): Storage {
  const values = new Map<string, string>();
  return {
    get length() {
      return values.size;
    },
    clear: () => values.clear(),
    getItem: (key) => values.get(key) ?? null,
    key: (index) => [...values.keys()][index] ?? null,
    removeItem: (key) => void values.delete(key),
    setItem: (key, value) => void values.set(key, value),
  };
}

describe('interface language', () => {
  it('speaks Chinese by default and English once chosen, remembered across visits', () => {
    const storage = memoryStorage();
    expect(storedLocale(storage)).toBe(DEFAULT_LOCALE);
    rememberLocale(storage, 'en');
    expect(storage.getItem(LOCALE_STORAGE_KEY)).toBe('en');
    expect(storedLocale(storage)).toBe('en');
  });

  it('ignores a remembered value it does not know', () => {
    const storage = memoryStorage();
    storage.setItem(LOCALE_STORAGE_KEY, 'fr');
    expect(storedLocale(storage)).toBe('zh-CN');
  });

  it('has every message in both languages', () => {
    expect(keysOf(en).sort()).toEqual(keysOf(zhCN).sort());
    for (const key of keysOf(en)) {
      const value = key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], en);
      if (key !== 'grid.buildingUnit') expect(String(value).trim(), key).not.toBe('');
    }
  });

  it('fills in the household band in both languages', () => {
    const i18n = createAppI18n('zh-CN');
    expect(i18n.global.t('grid.bandBelow', { min: 300, max: 500 })).toBe('低于标准：少于 300 户（标准 300–500 户）');
    expect(i18n.global.t('grid.flags.small_village', { min: 300 })).toBe('村户数不足300户，整村一个网格');
    i18n.global.locale.value = 'en';
    expect(i18n.global.t('grid.bandWithin', { min: 300, max: 500 })).toBe('In band: within 300–500 households');
  });
});

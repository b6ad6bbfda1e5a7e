import { describe, expect, it } from 'vitest';
import { DEFAULT_TAXONOMY } from '@minqing/shared';
import { categoryChoices, filterCategories, pinyinInitials } from './category-search.ts';

/** The default taxonomy in the API's two-level shape. */
const groups = DEFAULT_TAXONOMY.filter((entry) => entry.code.length === 2).map((group) => ({
  ...group,
  active: true,
  children: DEFAULT_TAXONOMY.filter((entry) => entry.code.length === 4 && entry.code.startsWith(group.code)).map((child) => ({
    ...child,
    active: true,
  })),
}));
const choices = categoryChoices(groups);
const first = (query: string) => filterCategories(choices, query)[0]?.code;

describe('pinyin initials', () => {
  it('reads the initials of Chinese names and keeps letters and digits', () => {
    expect(pinyinInitials('排水与下水道')).toBe('psyxsd');
    expect(pinyinInitials('路灯')).toBe('ld');
    expect(pinyinInitials('征地补偿')).toBe('zdbc');
    expect(pinyinInitials('Open311 接口')).toBe('open311jk');
  });
});

describe('type-to-filter over the taxonomy', () => {
  it('offers only subcategories, each with its group', () => {
    expect(choices.every((choice) => choice.code.length === 4)).toBe(true);
    expect(choices.find((choice) => choice.code === '0401')).toMatchObject({ name: '排水与下水道', groupName: '市政设施' });
  });

  it('finds a category by name, pinyin initials, keyword or code', () => {
    expect(first('排水')).toBe('0401');
    expect(first('psyx')).toBe('0401');
    expect(first('0401')).toBe('0401');
    expect(first('路灯')).toBe('0403');
    expect(first('养老金')).toBe('0101');
  });

  it('puts name matches before keyword matches and leaves out what does not match', () => {
    const matches = filterCategories(choices, '补偿').map((choice) => choice.code);
    expect(matches[0]).toBe('0201');
    expect(filterCategories(choices, '不存在的类别xyz')).toEqual([]);
  });

  it('shows everything, in taxonomy order, before anything is typed', () => {
    expect(filterCategories(choices, '  ').map((choice) => choice.code)).toEqual(choices.map((choice) => choice.code));
  });

  it('leaves out categories no longer in use', () => {
    const retired = categoryChoices([
      { ...groups[0]!, children: groups[0]!.children.map((child) => ({ ...child, active: false })) },
    ]);
    expect(retired).toEqual([]);
  });
});

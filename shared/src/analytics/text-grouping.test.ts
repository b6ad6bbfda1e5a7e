import { describe, expect, it } from 'vitest';
import { cosine, featuresOf, groupingAgreement, groupTexts, tfIdf, UnionFind, type TextDocument } from './text-grouping.ts';

const document = (text: string, category = '0901', x = 0, y = 0): TextDocument => ({ words: text.split(' '), category, x, y });

describe('features and TF-IDF', () => {
  it('keeps words and the character pairs of longer Han words, drops punctuation', () => {
    expect(featuresOf(['房产证', '，', '办', 'ABC'])).toEqual(['房产证', '~房产', '~产证', '办', 'abc']);
  });

  it('weighs a feature by (1 + ln tf)(ln((1 + N)/(1 + df)) + 1) and normalises, by hand', () => {
    // Two documents: ['a', 'b'] and ['a']. idf(a) = ln(3/3) + 1 = 1, idf(b) = ln(3/2) + 1 = 1.405465.
    const model = tfIdf([['a', 'b'], ['a']]);
    const first = model.vectors[0]!;
    const norm = Math.sqrt(1 + (Math.log(1.5) + 1) ** 2);
    expect([...first.weights]).toEqual([1 / norm, (Math.log(1.5) + 1) / norm].map((value) => expect.closeTo(value, 12)));
    expect(cosine(first, model.vectors[1]!)).toBeCloseTo(1 / norm, 12);
    expect(cosine(first, first)).toBeCloseTo(1, 12);
  });

  it('union–find joins and finds', () => {
    const sets = new UnionFind(5);
    sets.union(0, 1);
    sets.union(3, 4);
    sets.union(1, 4);
    expect(sets.find(0)).toBe(sets.find(3));
    expect(sets.find(2)).not.toBe(sets.find(0));
  });
});

describe('grouping texts', () => {
  it('groups the same problem said differently in different places, and leaves unrelated texts alone', () => {
    const documents = [
      document('玉安 社区 集资房 产权证 一直 没 办 下来', '0901', 0, 0),
      document('集资房 验收 没 通过 办 不了 房产证 玉安', '0901', 800, 0),
      document('玉安 集资房 的 房产证 什么 时候 能 办', '0902', 0, 900),
      document('我们 集资房 住 了 十年 产权证 还 没有 办 下来 玉安 社区', '0901', 5000, 0),
      document('凤仙路 路灯 不亮 晚上 很 黑', '0403', 0, 0),
      document('石碾村 下水道 堵塞 污水 漫 到 路上', '0401', 0, 0),
      document('高笋塘 噪音 扰民 工地 夜间 施工', '0601', 0, 0),
      document('玉安 路灯 不亮', '0403', 0, 0),
    ];
    const result = groupTexts(documents, { minimumGroupSize: 3 });
    expect(result.groups).toHaveLength(1);
    expect(result.groups[0]!.members).toEqual([0, 1, 2, 3]);
    expect(result.groups[0]!.keywords).toContain('集资房');
    expect([0, 1, 2, 3]).toContain(result.groups[0]!.representative);
  });

  it('finds nothing in an empty or single-document corpus', () => {
    expect(groupTexts([]).groups).toEqual([]);
    expect(groupTexts([document('路灯 不亮')]).groups).toEqual([]);
  });
});

describe('grouping agreement', () => {
  it('matches each planted group to the found group holding most of it, by hand', () => {
    const found = [
      [1, 2, 3, 4, 9],
      [5, 6],
    ];
    const planted = [
      [1, 2, 3, 4],
      [5, 6, 7, 8],
    ];
    const result = groupingAgreement(found, planted);
    expect(result.groups).toEqual([
      { planted: 4, found: 5, overlap: 4, precision: 0.8, recall: 1 },
      { planted: 4, found: 2, overlap: 2, precision: 1, recall: 0.5 },
    ]);
    expect(result.precision).toBeCloseTo(0.9, 12);
    expect(result.recall).toBeCloseTo(0.75, 12);
  });
});

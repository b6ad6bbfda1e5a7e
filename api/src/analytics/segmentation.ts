/**
 * Chinese word segmentation (jieba, with its bundled dictionary), loaded once
 * per process, and the words that say nothing about the problem: particles,
 * pronouns, and the boilerplate every request ends with (希望尽快解决,
 * 请相关部门处理 …), which would otherwise make unrelated requests look alike.
 */
import { createRequire } from 'node:module';

interface Segmenter {
  cut(text: string, hmm?: boolean): string[];
}

let segmenter: Segmenter | null = null;

function loadSegmenter(): Segmenter {
  if (segmenter) return segmenter;
  const require = createRequire(import.meta.url);
  const { Jieba } = require('@node-rs/jieba') as { Jieba: { withDict(dict: Uint8Array): Segmenter } };
  const { dict } = require('@node-rs/jieba/dict') as { dict: Uint8Array };
  segmenter = Jieba.withDict(dict);
  return segmenter;
}

export const STOP_WORDS = new Set(
  (
    '的 了 是 我 我们 你 你们 他 他们 她 在 有 和 与 及 或 也 都 就 还 又 很 太 被 把 给 让 对 从 到 向 这 那 这个 那个 ' +
    '一个 一直 已经 什么 怎么 为什么 如何 能 能否 可以 要 想 会 说 上 下 里 中 后 前 时 时候 现在 目前 ' +
    '没 没有 不 不了 不能 无法 多次 反映 希望 尽快 解决 请 请求 相关 部门 处理 麻烦 派人 来 看看 来看 结果 ' +
    '给个 答复 回复 领导 重视 协调 群众 意见 很大 问题 情况 谢谢 感谢 咨询 一下 好长时间 这几天 最近 这段 时间 ' +
    '今年 去年 以来 开始 上个月 个 月 年 天 来电 来电人 称 居民 村民 住户 市民 本人 家里 附近'
  ).split(' '),
);

/** Villager groups and house numbers (3组, 12号, 三组): where, not what. */
const ADDRESS_PARTS = /[0-9一二三四五六七八九十]+[组号栋楼]/g;

/**
 * The words of a text that may say what its problem is. `places` are names
 * to take out first (the case's own village and town): two complaints from
 * the same village are not the same problem because both name the village.
 */
export function contentWords(text: string, places: readonly string[] = []): string[] {
  let cleaned = text.replace(ADDRESS_PARTS, ' ');
  for (const place of places) if (place) cleaned = cleaned.replaceAll(place, ' ');
  return loadSegmenter()
    .cut(cleaned, false)
    .map((word) => word.trim())
    .filter((word) => word.length > 0 && !STOP_WORDS.has(word) && /[\p{L}\p{N}]/u.test(word));
}

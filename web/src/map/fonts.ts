/**
 * Font stacks for map labels. The style sets no `glyphs` URL, so MapLibre draws
 * every label locally with the browser's fonts (see docs/adr/0002-offline-map-labels.md):
 * each `text-font` entry is a CSS font family, tried in order, then sans-serif.
 * MapLibre reads the weight from the first name ("… Bold" → 700), so the bold
 * stack starts with a bold face's full name and falls back to the regular families.
 */
const CHINESE_FAMILIES = ['Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', 'PingFang SC', 'WenQuanYi Micro Hei'];

export const REGULAR_FONT: string[] = [...CHINESE_FAMILIES];
export const BOLD_FONT: string[] = ['Noto Sans CJK SC Bold', ...CHINESE_FAMILIES];

/** How the wall writes numbers, rates, times and ages. Pure. */

/** 0.9731 → "97.3%"; null → the placeholder. */
export function percent(rate: number | null, placeholder = '—'): string {
  if (rate === null || !Number.isFinite(rate)) return placeholder;
  return `${(Math.round(rate * 1000) / 10).toFixed(1)}%`;
}

/** "09:05" in the wall's time zone. */
export function clockTime(value: string | number | Date, locale: string, seconds = false): string {
  return new Date(value).toLocaleTimeString(locale, {
    hour: '2-digit',
    minute: '2-digit',
    ...(seconds ? { second: '2-digit' } : {}),
    hour12: false,
    timeZone: 'Asia/Shanghai',
  });
}

/** "11月24日 09:05" / "Nov 24, 09:05". */
export function dayAndTime(value: string | number | Date, locale: string): string {
  return new Date(value).toLocaleString(locale, {
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
    timeZone: 'Asia/Shanghai',
  });
}

export type AgeWords = { now: string; minutes: (count: number) => string; hours: (count: number) => string };

/** How long ago, in whole minutes up to an hour, then whole hours. */
export function ageText(minutes: number, words: AgeWords): string {
  if (minutes < 1) return words.now;
  if (minutes < 60) return words.minutes(Math.floor(minutes));
  return words.hours(Math.floor(minutes / 60));
}

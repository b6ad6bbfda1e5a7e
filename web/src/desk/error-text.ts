/**
 * What to tell a clerk when the server refuses: our own words for the codes we
 * know (地址不在地名库中 …), followed by the server's message, which names the
 * exact problem; the server's message alone for codes we do not know.
 */
import { ApiError } from '../api/client.ts';

export interface Translator {
  t: (key: string, values?: Record<string, unknown>) => string;
  te: (key: string) => boolean;
}

export function errorText(error: unknown, { t, te }: Translator): string {
  if (error instanceof ApiError) {
    if (error.unreachable) return t('session.unreachable');
    const key = error.code ? `apiErrors.${error.code}` : null;
    if (key && te(key)) return `${t(key)}（${error.message}）`;
    return error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

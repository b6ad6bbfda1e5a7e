import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client.ts';
import { createAppI18n } from '../i18n/index.ts';
import { errorText } from './error-text.ts';

const { t, te } = createAppI18n('zh-CN').global;
const translator = {
  t: (key: string, values?: Record<string, unknown>) => (values ? t(key, values) : t(key)),
  te: (key: string) => te(key),
};
const refusal = (code: string, message: string, status = 400) => new ApiError(status, message, { error: { code, message } });

describe('what a clerk is told when the server refuses', () => {
  it('explains known refusals in Chinese and keeps the server’s exact words', () => {
    const text = errorText(
      refusal('address_not_found', 'the address "某地" is not in the gazetteer: give a location on the map'),
      translator,
    );
    expect(text).toBe(
      '地名地址库中找不到这个地址，请在地图上定位（the address "某地" is not in the gazetteer: give a location on the map）',
    );
  });

  it('shows the server’s message alone for a code it does not know', () => {
    expect(errorText(refusal('something_new', 'a new rule says no'), translator)).toBe('a new rule says no');
  });

  it('says the server cannot be reached when it cannot', () => {
    expect(errorText(new ApiError(0, 'the server could not be reached (Failed to fetch)'), translator)).toBe(
      '无法连接服务器，请检查网络后重试。',
    );
  });
});

import { describe, expect, test } from 'vitest';
import { maskFreeText } from './free-text-masking.ts';

describe('masking free text for the wall', () => {
  test('masks mobile numbers however they are written', () => {
    expect(maskFreeText('请联系13812345678处理')).toBe('请联系138****5678处理');
    expect(maskFreeText('电话 138-1234-5678')).toBe('电话 138****5678');
    expect(maskFreeText('+86 13912345678')).toBe('+86 139****5678');
  });

  test('masks landlines and ID card numbers', () => {
    expect(maskFreeText('座机023-58123456')).toBe('座机023-****3456');
    expect(maskFreeText('身份证500101199001011234')).toBe('身份证500101********1234');
    expect(maskFreeText('身份证50010119900101123X')).toBe('身份证500101********123X');
  });

  test('leaves ordinary text, house numbers and dates alone', () => {
    const text = '石碾村3组12号路灯不亮，2026年11月已报修两次';
    expect(maskFreeText(text)).toBe(text);
    expect(maskFreeText(null)).toBeNull();
  });

  test('masks any other long run of digits', () => {
    expect(maskFreeText('卡号6222021234567890')).toBe('卡号622***********90');
  });
});

import { describe, expect, it } from 'vitest';
import { MAX_PHOTO_BYTES } from '@minqing/shared';
import {
  base64OfDataUrl,
  checkIntake,
  checkPublicIntake,
  defaultChannel,
  emptyIntakeForm,
  parseCoordinates,
  photoRefusal,
  toIntake,
  type IntakeFormState,
} from './intake-form.ts';

const filled = (changes: Partial<IntakeFormState> = {}): IntakeFormState => ({
  ...emptyIntakeForm('dispatcher'),
  categoryCode: '0401',
  description: '  石碾村3组下水道堵了  ',
  address: '分水镇石碾村3组12号',
  ...changes,
});

describe('the intake form', () => {
  it('starts on the hotline for dispatchers, at the liaison point for village cadres, on patrol for grid workers', () => {
    expect(emptyIntakeForm('dispatcher')).toMatchObject({ channel: 'hotline', urgency: 'normal', dispatch: true });
    expect(defaultChannel('village_cadre')).toBe('liaison_point');
    expect(defaultChannel('grid_worker')).toBe('patrol');
  });

  it('sends trimmed values and leaves empty fields out', () => {
    const intake = toIntake(filled({ reporterName: '  ', reporterPhone: ' 13812345678 ' }));
    expect(intake).toEqual({
      channel: 'hotline',
      categoryCode: '0401',
      urgency: 'normal',
      description: '石碾村3组下水道堵了',
      address: '分水镇石碾村3组12号',
      reporterPhone: '13812345678',
      photos: [],
      dispatch: true,
    });
  });

  it('sends a typed GCJ-02 point with its coordinate system', () => {
    const intake = toIntake(filled({ address: '', point: { lon: 108.4, lat: 30.8, coordinateSystem: 'GCJ02' } }));
    expect(intake.location).toEqual({ lon: 108.4, lat: 30.8, coordinateSystem: 'GCJ02' });
    expect(intake.address).toBeUndefined();
  });

  it('passes a complete form through the server schema', () => {
    expect(checkIntake(filled()).valid).toBe(true);
  });

  it('names each field the server schema refuses', () => {
    const checked = checkIntake({ ...emptyIntakeForm('dispatcher'), reporterPhone: 'call me' });
    expect(checked.valid).toBe(false);
    if (checked.valid) return;
    expect(Object.keys(checked.errors).sort()).toEqual(['categoryCode', 'description', 'location', 'reporterPhone']);
  });

  it('checks a resident’s own request without channel or dispatch', () => {
    const checked = checkPublicIntake(filled());
    expect(checked.valid).toBe(true);
    if (checked.valid) expect(checked.value).not.toHaveProperty('channel');
  });
});

describe('typed coordinates', () => {
  it('reads longitude then latitude, with commas, spaces or Chinese commas', () => {
    expect(parseCoordinates('108.3901, 30.8123')).toEqual({ lon: 108.3901, lat: 30.8123 });
    expect(parseCoordinates('108.3901 30.8123')).toEqual({ lon: 108.3901, lat: 30.8123 });
    expect(parseCoordinates('108.3901，30.8123')).toEqual({ lon: 108.3901, lat: 30.8123 });
  });

  it('recognises latitude first, since a Chinese longitude cannot be a latitude', () => {
    expect(parseCoordinates('30.8123, 108.3901')).toEqual({ lon: 108.3901, lat: 30.8123 });
  });

  it('refuses what is not two numbers', () => {
    expect(parseCoordinates('108.39')).toBeNull();
    expect(parseCoordinates('东经108度')).toBeNull();
    expect(parseCoordinates('1, 2, 3')).toBeNull();
    expect(parseCoordinates('500, 600')).toBeNull();
  });
});

describe('photos', () => {
  it('takes JPEG, PNG and WebP up to 2 MiB, six at most', () => {
    expect(photoRefusal({ type: 'image/jpeg', size: 1000 }, 0)).toBeNull();
    expect(photoRefusal({ type: 'image/gif', size: 1000 }, 0)).toBe('type');
    expect(photoRefusal({ type: 'image/png', size: MAX_PHOTO_BYTES + 1 }, 0)).toBe('size');
    expect(photoRefusal({ type: 'image/webp', size: 0 }, 0)).toBe('empty');
    expect(photoRefusal({ type: 'image/jpeg', size: 1000 }, 6)).toBe('count');
  });

  it('keeps the base64 part of a data URL', () => {
    expect(base64OfDataUrl('data:image/png;base64,iVBORw0KGgo=')).toBe('iVBORw0KGgo=');
  });
});

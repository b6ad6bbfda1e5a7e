import { describe, expect, it } from 'vitest';
import { actionFields, checkActionForm, emptyActionForm, toActionInput } from './action-form.ts';

const form = emptyActionForm();

describe('action forms', () => {
  it('asks each action for what it needs', () => {
    expect(actionFields('transfer', form)).toEqual(['unit', 'reason']);
    expect(actionFields('resolve', form)).toEqual(['resolution']);
    expect(actionFields('accept', form)).toEqual(['note']);
    expect(actionFields('callback', { contacted: false })).toEqual(['contacted', 'note']);
    expect(actionFields('callback', { contacted: true })).toEqual(['contacted', 'satisfaction', 'note']);
  });

  it('always sends the version the clerk saw', () => {
    expect(toActionInput('accept', form, 7)).toEqual({ action: 'accept', expectedVersion: 7 });
    expect(toActionInput('accept', { ...form, note: ' 已电话联系 ' }, 7)).toEqual({
      action: 'accept',
      expectedVersion: 7,
      note: '已电话联系',
    });
  });

  it('dispatches by the routing rule unless a unit is chosen', () => {
    expect(toActionInput('dispatch', form, 1)).toEqual({ action: 'dispatch', expectedVersion: 1 });
    expect(toActionInput('dispatch', { ...form, unitId: 42 }, 1)).toEqual({ action: 'dispatch', expectedVersion: 1, unitId: 42 });
  });

  it('refuses a transfer without a unit or with too short a reason, naming the fields', () => {
    const checked = checkActionForm('transfer', { ...form, reason: '不归' }, 3);
    expect(checked.valid).toBe(false);
    if (!checked.valid) expect(checked.fields.sort()).toEqual(['reason', 'unit']);
    expect(checkActionForm('transfer', { ...form, unitId: 5, reason: '属于供电公司管辖' }, 3).valid).toBe(true);
  });

  it('needs a rating when the resident was reached, and none when not', () => {
    const reached = checkActionForm('callback', { ...form, contacted: true }, 2);
    expect(reached.valid).toBe(false);
    if (!reached.valid) expect(reached.fields).toContain('satisfaction');
    const rated = checkActionForm('callback', { ...form, contacted: true, satisfaction: 'unsatisfied' }, 2);
    expect(rated).toEqual({
      valid: true,
      value: { action: 'callback', expectedVersion: 2, contacted: true, satisfaction: 'unsatisfied' },
    });
    const unreached = checkActionForm('callback', { ...form, contacted: false, satisfaction: 'satisfied' }, 2);
    expect(unreached.valid && unreached.value).toEqual({ action: 'callback', expectedVersion: 2, contacted: false });
  });

  it('links a duplicate only to a case id that is a number', () => {
    expect(checkActionForm('link_duplicate', { ...form, originalCaseId: 'abc' }, 1).valid).toBe(false);
    expect(checkActionForm('link_duplicate', { ...form, originalCaseId: '12' }, 1)).toMatchObject({
      valid: true,
      value: { originalCaseId: 12 },
    });
  });

  it('refuses a resolution that says nothing', () => {
    const checked = checkActionForm('resolve', { ...form, resolution: ' ' }, 1);
    expect(checked.valid).toBe(false);
    if (!checked.valid) expect(checked.fields).toEqual(['resolution']);
  });
});

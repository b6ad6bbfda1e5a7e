import { describe, expect, it } from 'vitest';
import { casePlace, transition } from './case-format.ts';
import { DESK_ROLES, mayRegisterCases, mayUseDesk, safeRedirect } from './access.ts';

describe('case wording', () => {
  it('names the place by town and village, else by the address', () => {
    expect(casePlace({ town: { name: '分水镇' }, village: { name: '石碾村' }, address: null })).toBe('分水镇 石碾村');
    expect(casePlace({ town: null, village: null, address: ' 万州区某地 ' })).toBe('万州区某地');
    expect(casePlace({ town: null, village: null, address: null })).toBe('—');
  });

  it('shows what moved in a timeline entry, and only that', () => {
    const name = (state: string) => ({ dispatched: '待签收', accepted: '已签收' })[state] ?? state;
    expect(
      transition(
        { fromState: 'dispatched', toState: 'accepted', fromUnit: '石碾村便民服务站', toUnit: '石碾村便民服务站' },
        name,
      ),
    ).toEqual({ states: '待签收 → 已签收', units: null });
    expect(transition({ fromState: 'accepted', toState: 'dispatched', fromUnit: 'A', toUnit: 'B' }, name)).toEqual({
      states: '已签收 → 待签收',
      units: 'A → B',
    });
    expect(transition({ fromState: null, toState: null, fromUnit: null, toUnit: null }, name)).toEqual({
      states: null,
      units: null,
    });
  });
});

describe('desk access', () => {
  it('keeps planners and wall viewers out of the desk, and leaders out of intake', () => {
    expect(mayUseDesk('planner')).toBe(false);
    expect(mayUseDesk('wall_viewer')).toBe(false);
    expect(mayUseDesk(null)).toBe(false);
    expect(DESK_ROLES.every(mayUseDesk)).toBe(true);
    expect(mayRegisterCases('leader')).toBe(false);
    expect(mayRegisterCases('village_cadre')).toBe(true);
  });

  it('comes back only to a page of this app after signing in', () => {
    expect(safeRedirect('/desk/cases/12')).toBe('/desk/cases/12');
    expect(safeRedirect('//evil.example/x')).toBe('/desk');
    expect(safeRedirect('https://evil.example')).toBe('/desk');
    expect(safeRedirect('/signin?redirect=/desk')).toBe('/desk');
    expect(safeRedirect(undefined)).toBe('/desk');
  });
});

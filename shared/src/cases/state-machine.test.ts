import { describe, expect, it } from 'vitest';
import type { CaseState } from './case-terms.ts';
import { allowedActions, checkAction, escalationTarget, nextState, type ActorFacts, type CaseFacts } from './state-machine.ts';

const village: CaseFacts = { state: 'dispatched', ownerKind: 'village_station', ownerLevel: 1, canEscalate: true };
const cadre: ActorFacts = { role: 'village_cadre', isOwner: true, isCommandCenter: false, isRegistrar: false, inScope: true };
const dispatcher: ActorFacts = { role: 'dispatcher', isOwner: false, isCommandCenter: true, isRegistrar: false, inScope: true };
const leader: ActorFacts = { role: 'leader', isOwner: false, isCommandCenter: false, isRegistrar: false, inScope: true };
const at = (state: CaseState, facts: CaseFacts = village): CaseFacts => ({ ...facts, state });

describe('no refusal (首交责任制)', () => {
  it('a unit a case was dispatched to can accept, transfer or escalate it — and nothing that leaves it unowned', () => {
    expect(allowedActions(village, cadre).sort()).toEqual(['accept', 'escalate', 'link_duplicate', 'transfer']);
  });

  it('every action that changes the owner lands on dispatched, so the new owner must sign for it', () => {
    for (const action of ['transfer', 'escalate', 'dispatch'] as const) expect(nextState('accepted', action)).toBe('dispatched');
  });
});

describe('who may act', () => {
  it('only the owner accepts, starts and resolves', () => {
    expect(checkAction(village, { ...cadre, isOwner: false }, 'accept')).toEqual({ valid: false, reason: 'only_the_owner' });
    expect(checkAction(at('accepted'), cadre, 'start').valid).toBe(true);
    expect(checkAction(at('in_progress'), cadre, 'resolve').valid).toBe(true);
    expect(checkAction(at('accepted'), dispatcher, 'resolve').valid).toBe(false);
  });

  it('the command center and leaders urge; owners do not urge themselves', () => {
    expect(checkAction(village, dispatcher, 'urge').valid).toBe(true);
    expect(checkAction(village, leader, 'urge').valid).toBe(true);
    expect(checkAction(village, cadre, 'urge')).toEqual({ valid: false, reason: 'role_cannot' });
  });

  it('a leader takes over (领办) an open case, but not one already theirs', () => {
    expect(checkAction(village, leader, 'take_over').valid).toBe(true);
    expect(checkAction(village, { ...leader, isOwner: true }, 'take_over')).toEqual({ valid: false, reason: 'already_owner' });
    expect(checkAction(village, dispatcher, 'take_over').valid).toBe(false);
    expect(nextState('dispatched', 'take_over')).toBe('accepted');
  });

  it('nobody acts out of scope', () => {
    expect(allowedActions(village, { ...dispatcher, inScope: false })).toEqual([]);
  });

  it('the command center owning a case at L3 dispatches it to a department', () => {
    const center: CaseFacts = { state: 'accepted', ownerKind: 'command_center', ownerLevel: 3, canEscalate: true };
    expect(checkAction(center, { ...dispatcher, isOwner: true }, 'dispatch').valid).toBe(true);
    expect(checkAction(village, dispatcher, 'dispatch')).toEqual({ valid: false, reason: 'state_does_not_allow' });
  });
});

describe('the ladder', () => {
  it('climbs village → town → command center → leader in charge → principal leaders', () => {
    expect(escalationTarget(1)).toEqual({ kind: 'town_center', level: 2 });
    expect(escalationTarget(2)).toEqual({ kind: 'command_center', level: 3 });
    expect(escalationTarget(3)).toEqual({ kind: 'leader_office', level: 4 });
    expect(escalationTarget(4)).toEqual({ kind: 'leader_office', level: 5 });
    expect(escalationTarget(5)).toBeNull();
  });

  it('refuses to escalate from the top', () => {
    const top: CaseFacts = { state: 'accepted', ownerKind: 'leader_office', ownerLevel: 5, canEscalate: false };
    expect(checkAction(top, { ...leader, isOwner: true }, 'escalate')).toEqual({ valid: false, reason: 'top_of_ladder' });
  });
});

describe('callback', () => {
  const resolved = at('resolved');
  it('closes on 满意 or 基本满意, sends back on 不满意, waits when nobody answered', () => {
    expect(checkAction(resolved, dispatcher, 'callback').valid).toBe(true);
    expect(nextState('resolved', 'callback', { contacted: true, satisfaction: 'satisfied' })).toBe('closed');
    expect(nextState('resolved', 'callback', { contacted: true, satisfaction: 'basically_satisfied' })).toBe('closed');
    expect(nextState('resolved', 'callback', { contacted: true, satisfaction: 'unsatisfied' })).toBe('dispatched');
    expect(nextState('resolved', 'callback', { contacted: false })).toBe('callback');
  });

  it('the handler cannot rate their own work', () => {
    expect(checkAction(resolved, cadre, 'callback').valid).toBe(false);
  });

  it('a closed case takes no action', () => {
    expect(allowedActions(at('closed'), dispatcher)).toEqual([]);
  });
});

/**
 * The case state machine, as pure functions. The API checks every action with
 * `checkAction` before it writes anything; the web offers exactly the actions
 * `allowedActions` returns. Same function, both sides.
 *
 * No refusal (首交责任制): a unit a case is dispatched to cannot send it back
 * unowned — its only ways out are to accept it, transfer it to another unit
 * with a reason, or escalate it one level up. Every path keeps exactly one owner.
 */
import type { LadderLevel, Role, UnitKind } from '../organisation/units.ts';
import type { CaseAction, CaseState, Satisfaction } from './case-terms.ts';

/** What about the case matters for deciding. */
export interface CaseFacts {
  state: CaseState;
  ownerKind: UnitKind;
  ownerLevel: LadderLevel;
  /** Whether the owner has a unit one level up to escalate to. */
  canEscalate: boolean;
}

/** Who is asking, in relation to this case. */
export interface ActorFacts {
  role: Role;
  /** Member of the unit that owns the case. */
  isOwner: boolean;
  /** Member of the command center (指挥中心). */
  isCommandCenter: boolean;
  /** Registered the case. */
  isRegistrar: boolean;
  /** The case lies in the actor's scope (their unit, region, or a copy to their office). */
  inScope: boolean;
}

export const REFUSALS = {
  OUT_OF_SCOPE: 'out_of_scope',
  STATE: 'state_does_not_allow',
  NOT_OWNER: 'only_the_owner',
  ROLE: 'role_cannot',
  TOP_OF_LADDER: 'top_of_ladder',
  ALREADY_OWNER: 'already_owner',
} as const;
export type Refusal = (typeof REFUSALS)[keyof typeof REFUSALS];

export type Check = { valid: true } | { valid: false; reason: Refusal };

const ACTIVE: readonly CaseState[] = ['dispatched', 'accepted', 'in_progress'];
const HANDLER_ROLES: readonly Role[] = [
  'village_cadre',
  'town_officer',
  'department_handler',
  'dispatcher',
  'leader',
  'grid_worker',
  'administrator',
];
const ok: Check = { valid: true };
const refuse = (reason: Refusal): Check => ({ valid: false, reason });

const canCoordinate = (actor: ActorFacts) => actor.isCommandCenter || actor.role === 'administrator';

export function checkAction(facts: CaseFacts, actor: ActorFacts, action: CaseAction): Check {
  if (!actor.inScope) return refuse(REFUSALS.OUT_OF_SCOPE);
  const owner = () => (actor.isOwner && HANDLER_ROLES.includes(actor.role) ? ok : refuse(REFUSALS.NOT_OWNER));
  switch (action) {
    case 'dispatch':
      // A registered case goes out; the command center, owning a case at L3, sends it to a department (研判派单).
      if (facts.state === 'registered')
        return canCoordinate(actor) || actor.isRegistrar || actor.isOwner ? ok : refuse(REFUSALS.ROLE);
      if (ACTIVE.includes(facts.state) && facts.ownerKind === 'command_center')
        return canCoordinate(actor) ? ok : refuse(REFUSALS.ROLE);
      return refuse(REFUSALS.STATE);
    case 'accept':
      return facts.state === 'dispatched' ? owner() : refuse(REFUSALS.STATE);
    case 'start':
      return facts.state === 'accepted' ? owner() : refuse(REFUSALS.STATE);
    case 'resolve':
      return facts.state === 'accepted' || facts.state === 'in_progress' ? owner() : refuse(REFUSALS.STATE);
    case 'transfer':
      return ACTIVE.includes(facts.state) ? owner() : refuse(REFUSALS.STATE);
    case 'escalate':
      if (!ACTIVE.includes(facts.state)) return refuse(REFUSALS.STATE);
      if (!facts.canEscalate) return refuse(REFUSALS.TOP_OF_LADDER);
      return owner();
    case 'urge':
      if (!ACTIVE.includes(facts.state)) return refuse(REFUSALS.STATE);
      return canCoordinate(actor) || actor.role === 'leader' ? ok : refuse(REFUSALS.ROLE);
    case 'take_over':
      if (!ACTIVE.includes(facts.state) && facts.state !== 'registered') return refuse(REFUSALS.STATE);
      if (actor.role !== 'leader') return refuse(REFUSALS.ROLE);
      return actor.isOwner ? refuse(REFUSALS.ALREADY_OWNER) : ok;
    case 'callback':
      if (facts.state !== 'resolved' && facts.state !== 'callback') return refuse(REFUSALS.STATE);
      // The unit that did the work does not rate it: the command center, or the clerk who took the request elsewhere, calls back.
      return canCoordinate(actor) || (actor.isRegistrar && !actor.isOwner) ? ok : refuse(REFUSALS.ROLE);
    case 'close':
      // Closing without a satisfied callback: a registered case that is no request at all,
      // or a resolved one whose resident cannot be reached.
      if (facts.state !== 'registered' && facts.state !== 'callback') return refuse(REFUSALS.STATE);
      return canCoordinate(actor) ? ok : refuse(REFUSALS.ROLE);
    case 'link_duplicate':
      if (facts.state !== 'registered' && facts.state !== 'dispatched') return refuse(REFUSALS.STATE);
      return canCoordinate(actor) || actor.isRegistrar || actor.isOwner ? ok : refuse(REFUSALS.ROLE);
  }
}

export function allowedActions(facts: CaseFacts, actor: ActorFacts): CaseAction[] {
  const actions: CaseAction[] = [
    'dispatch',
    'accept',
    'start',
    'resolve',
    'transfer',
    'escalate',
    'urge',
    'take_over',
    'callback',
    'close',
    'link_duplicate',
  ];
  return actions.filter((action) => checkAction(facts, actor, action).valid);
}

export interface CallbackOutcome {
  contacted: boolean;
  satisfaction?: Satisfaction | undefined;
}

/** Where an action leaves the case. Transfer, escalation, dispatch and a redo all land on `dispatched` at the new owner. */
export function nextState(state: CaseState, action: CaseAction, callback?: CallbackOutcome): CaseState {
  switch (action) {
    case 'dispatch':
    case 'transfer':
    case 'escalate':
      return 'dispatched';
    case 'accept':
    case 'take_over':
      return 'accepted';
    case 'start':
      return 'in_progress';
    case 'resolve':
      return 'resolved';
    case 'urge':
      return state;
    case 'close':
    case 'link_duplicate':
      return 'closed';
    case 'callback':
      if (!callback?.contacted) return 'callback';
      // 不满意 sends the case back to the unit that resolved it: a redo.
      return callback.satisfaction === 'unsatisfied' ? 'dispatched' : 'closed';
  }
}

/**
 * The next rung of the ladder (万州 five levels): village station or liaison
 * point → town service centre → command center → leader in charge → principal
 * leaders. A department (L3) goes to its leader in charge.
 */
export function escalationTarget(ownerLevel: LadderLevel): { kind: UnitKind; level: LadderLevel } | null {
  switch (ownerLevel) {
    case 1:
      return { kind: 'town_center', level: 2 };
    case 2:
      return { kind: 'command_center', level: 3 };
    case 3:
      return { kind: 'leader_office', level: 4 };
    case 4:
      return { kind: 'leader_office', level: 5 };
    case 5:
      return null;
  }
}

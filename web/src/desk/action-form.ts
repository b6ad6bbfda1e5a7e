/**
 * The small forms behind the case page's action buttons: what each action
 * asks for, and how a filled form becomes the API's CaseActionInput, checked
 * with the server's own `CaseActionSchema`. Every action carries the version
 * the clerk saw (expectedVersion), so acting on a case that moved meanwhile
 * is refused with a conflict instead of overwriting someone else's work.
 */
import { CaseActionSchema, type CaseAction, type CaseActionInput, type Satisfaction } from '@minqing/shared';

export interface ActionFormState {
  note: string;
  unitId: number | null;
  reason: string;
  resolution: string;
  contacted: boolean | null;
  satisfaction: Satisfaction | null;
  closeReason: 'unreachable' | 'invalid' | null;
  originalCaseId: string;
}

export function emptyActionForm(): ActionFormState {
  return {
    note: '',
    unitId: null,
    reason: '',
    resolution: '',
    contacted: null,
    satisfaction: null,
    closeReason: null,
    originalCaseId: '',
  };
}

/** The fields an action's form shows, in order. Every form has a note but the callback's is its own. */
export type ActionField =
  'unit' | 'reason' | 'resolution' | 'contacted' | 'satisfaction' | 'closeReason' | 'originalCaseId' | 'note';

export function actionFields(action: CaseAction, state: Pick<ActionFormState, 'contacted'>): ActionField[] {
  switch (action) {
    case 'dispatch':
      return ['unit', 'note'];
    case 'transfer':
      return ['unit', 'reason'];
    case 'escalate':
      return ['reason'];
    case 'resolve':
      return ['resolution'];
    case 'callback':
      return state.contacted ? ['contacted', 'satisfaction', 'note'] : ['contacted', 'note'];
    case 'close':
      return ['closeReason', 'note'];
    case 'link_duplicate':
      return ['originalCaseId', 'note'];
    default:
      return ['note'];
  }
}

/** Actions a clerk takes in one step (a note at most): their form opens with the confirm button focused. */
export const SIMPLE_ACTIONS: readonly CaseAction[] = ['accept', 'start', 'urge', 'take_over'];

const text = (value: string) => {
  const trimmed = value.trim();
  return trimmed ? trimmed : undefined;
};

export function toActionInput(action: CaseAction, state: ActionFormState, expectedVersion: number): CaseActionInput {
  const note = text(state.note);
  const base = { expectedVersion, ...(note ? { note } : {}) };
  switch (action) {
    case 'dispatch':
      return { action, ...base, ...(state.unitId !== null ? { unitId: state.unitId } : {}) };
    case 'transfer':
      return { action, expectedVersion, unitId: state.unitId as number, reason: state.reason.trim() };
    case 'escalate':
      return { action, expectedVersion, reason: state.reason.trim() };
    case 'resolve':
      return { action, expectedVersion, resolution: state.resolution.trim() };
    case 'callback':
      return {
        action,
        ...base,
        contacted: state.contacted as boolean,
        ...(state.contacted && state.satisfaction ? { satisfaction: state.satisfaction } : {}),
      };
    case 'close':
      return { action, ...base, reason: state.closeReason as 'unreachable' | 'invalid' };
    case 'link_duplicate':
      return {
        action,
        ...base,
        originalCaseId: /^[0-9]+$/.test(state.originalCaseId.trim()) ? Number(state.originalCaseId) : NaN,
      };
    default:
      return { action, ...base };
  }
}

export type ActionCheck = { valid: true; value: CaseActionInput } | { valid: false; fields: ActionField[]; message: string };

const FIELD_OF: Record<string, ActionField> = {
  unitId: 'unit',
  reason: 'reason',
  resolution: 'resolution',
  contacted: 'contacted',
  satisfaction: 'satisfaction',
  originalCaseId: 'originalCaseId',
  note: 'note',
};

/** Checks a filled form with the server's schema; a callback that reached the resident must carry a rating. */
export function checkActionForm(action: CaseAction, state: ActionFormState, expectedVersion: number): ActionCheck {
  const value = toActionInput(action, state, expectedVersion);
  const fields: ActionField[] = [];
  const messages: string[] = [];
  const result = CaseActionSchema.safeParse(value);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const key = String(issue.path[0] ?? '');
      const field = action === 'close' && key === 'reason' ? 'closeReason' : (FIELD_OF[key] ?? 'note');
      if (!fields.includes(field)) fields.push(field);
      messages.push(`${key || 'form'}: ${issue.message}`);
    }
  }
  if (action === 'callback' && state.contacted && !state.satisfaction) {
    fields.push('satisfaction');
    messages.push('satisfaction: is required when the resident was reached');
  }
  return fields.length ? { valid: false, fields, message: messages.join('; ') } : { valid: true, value };
}

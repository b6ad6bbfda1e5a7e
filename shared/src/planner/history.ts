/**
 * Undo and redo for the planner: a present state with the states before and
 * after it. Pure; the view keeps one and replaces it on every edit.
 */
export interface History<T> {
  past: T[];
  present: T;
  future: T[];
}

/** Steps kept for undo. */
export const HISTORY_LIMIT = 100;

export function createHistory<T>(present: T): History<T> {
  return { past: [], present, future: [] };
}

/** A new present after an edit: the old one can be undone to, nothing is left to redo. */
export function record<T>(history: History<T>, next: T, limit = HISTORY_LIMIT): History<T> {
  return { past: [...history.past, history.present].slice(-limit), present: next, future: [] };
}

export function undo<T>(history: History<T>): History<T> {
  const previous = history.past.at(-1);
  if (previous === undefined) return history;
  return { past: history.past.slice(0, -1), present: previous, future: [history.present, ...history.future] };
}

export function redo<T>(history: History<T>): History<T> {
  const [next, ...rest] = history.future;
  if (next === undefined) return history;
  return { past: [...history.past, history.present], present: next, future: rest };
}

export const canUndo = <T>(history: History<T>) => history.past.length > 0;
export const canRedo = <T>(history: History<T>) => history.future.length > 0;

import { describe, expect, it } from 'vitest';
import { canRedo, canUndo, createHistory, record, redo, undo } from './history.ts';

describe('history', () => {
  it('undoes and redoes many steps, and a new edit drops what could be redone', () => {
    let history = createHistory(0);
    for (let step = 1; step <= 5; step++) history = record(history, step);
    history = undo(undo(undo(history)));
    expect(history.present).toBe(2);
    expect(canRedo(history)).toBe(true);
    history = redo(history);
    expect(history.present).toBe(3);
    history = record(history, 10);
    expect(canRedo(history)).toBe(false);
    expect(history.past).toEqual([0, 1, 2, 3]);
  });

  it('keeps at most the limit of steps, and undo at the start does nothing', () => {
    let history = createHistory(0);
    for (let step = 1; step <= 10; step++) history = record(history, step, 3);
    expect(history.past).toEqual([7, 8, 9]);
    const start = createHistory('a');
    expect(undo(start)).toBe(start);
    expect(canUndo(start)).toBe(false);
  });
});

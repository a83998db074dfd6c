/** A revision's delta tuple is made once and shared by every watcher and Next that reads it
 *  (model-state.ts deltaOf), so it is frozen: a reader cannot change what the others are sent. */
import { describe, expect, it } from 'vitest';
import { ModelState } from '../../harness/controller/model-state.ts';
import { Recorder } from '../../harness/history.ts';

describe('ModelState deltas', () => {
  it('hands every reader of a revision the same frozen tuple', () => {
    const model = new ModelState(() => 0, new Recorder(() => 0));
    model.addApplication('mysql', 'ch:mysql', 1);
    const first = model.deltasSince(0);
    const again = model.deltasSince(0);
    expect(first.length).toBeGreaterThan(0);
    first.forEach((delta, i) => {
      expect(again[i]).toBe(delta);
      expect(Object.isFrozen(delta)).toBe(true);
    });
  });
});

/** The index walks a history once and fills the selections made by then (module level, one per
 *  property); a selection made after that walk has no records there, and must say so plainly rather
 *  than hand its caller undefined (a TypeError far from the cause). */
import { describe, expect, it } from 'vitest';
import type { History } from '../../harness/history.ts';
import { HistoryIndex, Selection } from '../../properties/history-index.ts';

describe('HistoryIndex selections', () => {
  it('reads a selection made before the walk, and names a selection made after it', () => {
    const before = new Selection(['quiet']);
    const history: History = [
      { type: 'agent-down', reason: 'crash', t: 1 },
      { type: 'quiet', reached: true, t: 2 },
    ];
    const index = HistoryIndex.of(history);
    expect(index.select(before).map((r) => r.t)).toEqual([2]);
    const after = new Selection(['agent-down', 'quiet'], { places: true });
    expect(() => index.selectAt(after)).toThrow(/made after this history was indexed/);
  });
});

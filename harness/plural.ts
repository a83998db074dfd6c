/** A count with its noun, singular for one: `1 event`, `3 events`, `0 runs`. */
export function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}

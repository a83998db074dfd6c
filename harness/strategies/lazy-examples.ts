/**
 * An array whose elements are computed when read, for strategies whose cases are expensive to
 * compute (coverage runs each case before it can compute the next). fast-check reads `examples`
 * one index at a time while it explores (Tosser's `toss`), so only the cases it runs are ever
 * computed. When it replays a path it maps the whole array first (`lazyToss`), so a replay must be
 * given exactly the examples up to the path's case (case-params.ts `sourceParams(source, upTo)`).
 */

/** A read-only array of `length` elements, element i being `at(i)`, computed when first read. */
export function lazyExamples<T>(length: number, at: (index: number) => T): T[] {
  const memo = new Map<number, T>();
  const element = (i: number): T => {
    if (!memo.has(i)) memo.set(i, at(i));
    return memo.get(i)!;
  };
  return new Proxy<T[]>([], {
    get(target, key, receiver) {
      if (key === 'length') return length;
      if (typeof key === 'string' && /^\d+$/.test(key)) {
        const i = Number(key);
        return i < length ? element(i) : undefined;
      }
      return Reflect.get(target, key, receiver);
    },
    has(target, key) {
      if (typeof key === 'string' && /^\d+$/.test(key)) return Number(key) < length;
      return Reflect.has(target, key);
    },
  });
}

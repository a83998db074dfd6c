/**
 * fast-check's shrinking, with the next candidates evaluated ahead of time. fast-check tries the
 * candidates of a failing value one at a time, in its shrink order, and moves to the first that
 * fails; on a real target each candidate is a run of seconds. Here the arbitrary is wrapped so that
 * when fast-check asks for a candidate, the next `lookahead` ones of the same shrink stream are
 * already being evaluated: fast-check still takes them in its own order and still moves to the first
 * failing one, so for the same verdict per candidate the shrunk value and its path are exactly those
 * of one-at-a-time shrinking (and the path replays with the plain arbitrary: the streams are the
 * same). Candidates evaluated past the first failing one are wasted work: their evaluations are
 * aborted as soon as fast-check moves on.
 */
import fc from 'fast-check';

export interface LookaheadOptions<T> {
  /** fast-check parameters that start at the value to shrink (case-params.ts startAt). */
  params: fc.Parameters<[T]>;
  /** Candidates evaluated at once (1: one at a time, as fast-check alone). */
  lookahead: number;
  /**
   * Whether `candidate` fails: true, false, or undefined when its evaluation was stopped (`signal`
   * aborted: fast-check has moved on, or shrinking was stopped). `step` counts candidates started,
   * 1 for the value the shrinking starts at. An error stops shrinking, and lookaheadShrink rejects
   * with it (fast-check would take it for a failing candidate and shrink towards it).
   */
  fails: (candidate: T, step: number, signal: AbortSignal) => Promise<boolean | undefined>;
  /** Stops shrinking: evaluations in flight are aborted and every candidate left passes, so the
   *  smallest failing value so far stands. */
  signal?: AbortSignal;
}

export interface LookaheadResult<T> {
  /** The smallest failing value found, and fast-check's path to it; undefined if the value the
   *  shrinking starts at did not fail. */
  counterexample?: { value: T; path: string };
  /** Whether `signal` stopped shrinking while candidates were left to evaluate. */
  stopped: boolean;
  /** Candidates evaluated (or started), the first included. */
  steps: number;
}

/** Shrinks `arbitrary`'s value at `params` (see the file's comment); resolves once no evaluation is in flight. */
export async function lookaheadShrink<T extends object>(
  arbitrary: fc.Arbitrary<T>,
  options: LookaheadOptions<T>,
): Promise<LookaheadResult<T>> {
  const evaluations = new Evaluations(options);
  const details = await fc.check(
    fc.asyncProperty(new Lookahead(arbitrary, evaluations), async (candidate) => {
      const fails = await evaluations.of(candidate);
      return fails !== true; // stopped: passes, so the smallest failure so far stands
    }),
    options.params,
  );
  await evaluations.settled();
  if (evaluations.error) throw evaluations.error.reason;
  const [value] = details.counterexample ?? [];
  return {
    ...(details.failed && details.counterexample
      ? { counterexample: { value: value as T, path: details.counterexamplePath ?? '' } }
      : {}),
    stopped: evaluations.stopped,
    steps: evaluations.steps,
  };
}

/** The evaluations started, by candidate (fast-check hands the predicate the very value the
 *  stream yielded), and those still in flight. */
class Evaluations<T extends object> {
  private readonly started = new WeakMap<T, Promise<boolean | undefined>>();
  private readonly inFlight = new Set<Promise<unknown>>();
  /** The shrink stream being walked: aborted when fast-check moves to another. */
  private stream = new AbortController();
  /** Aborted by an evaluation's error. */
  private readonly failed = new AbortController();
  /** Aborted by the caller's signal or by an evaluation's error: shrinking stops. */
  private readonly halt: AbortSignal;
  steps = 0;
  stopped = false;
  error: { reason: unknown } | undefined;

  constructor(private readonly options: LookaheadOptions<T>) {
    this.halt = options.signal ? AbortSignal.any([options.signal, this.failed.signal]) : this.failed.signal;
  }

  get lookahead(): number {
    return this.options.lookahead;
  }

  /** Starts evaluating a candidate of the current stream, unless shrinking was stopped. */
  start(candidate: T): void {
    if (this.halt.aborted || this.started.has(candidate)) return;
    const signal = AbortSignal.any([this.halt, this.stream.signal]);
    const evaluation = this.options.fails(candidate, ++this.steps, signal).catch((reason: unknown) => {
      this.error ??= { reason };
      this.failed.abort();
      return undefined;
    });
    this.started.set(candidate, evaluation);
    const tracked = evaluation.finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  /** A new shrink stream: the candidates left of the last one will never be asked for. */
  nextStream(): void {
    this.stream.abort();
    this.stream = new AbortController();
  }

  /** The verdict on `candidate` (the value shrinking starts at is started here). */
  of(candidate: T): Promise<boolean | undefined> {
    this.start(candidate);
    const evaluation = this.started.get(candidate);
    if (!evaluation || this.halt.aborted) return this.stop();
    return evaluation.then((fails) => (fails === undefined ? this.stop() : fails));
  }

  private stop(): Promise<undefined> {
    this.stopped = true;
    return Promise.resolve(undefined);
  }

  /** Resolves once no evaluation is in flight (the candidates fast-check left behind are aborted). */
  async settled(): Promise<void> {
    this.stream.abort();
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }
}

/** `inner`, whose shrink streams start evaluating their next candidates before fast-check asks. */
class Lookahead<T extends object> extends fc.Arbitrary<T> {
  constructor(
    private readonly inner: fc.Arbitrary<T>,
    private readonly evaluations: Evaluations<T>,
  ) {
    super();
  }

  generate(mrng: fc.Random, biasFactor: number | undefined): fc.Value<T> {
    return this.inner.generate(mrng, biasFactor);
  }

  canShrinkWithoutContext(value: unknown): value is T {
    return this.inner.canShrinkWithoutContext(value);
  }

  shrink(value: T, context: unknown): fc.Stream<fc.Value<T>> {
    return new fc.Stream(this.ahead(this.inner.shrink(value, context)));
  }

  /** The stream's values in order, each asked for once the next `lookahead - 1` have started too. */
  private *ahead(stream: fc.Stream<fc.Value<T>>): Generator<fc.Value<T>> {
    this.evaluations.nextStream(); // fast-check asks for this stream only when a candidate failed
    const source = stream[Symbol.iterator]();
    const buffer: fc.Value<T>[] = [];
    let done = false;
    for (;;) {
      while (!done && buffer.length < this.evaluations.lookahead) {
        const next = source.next();
        if (next.done) done = true;
        else {
          buffer.push(next.value);
          this.evaluations.start(next.value.value_);
        }
      }
      const value = buffer.shift();
      if (value === undefined) return;
      yield value;
    }
  }
}

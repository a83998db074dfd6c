/** Flag parsing shared by the subcommands: node's parseArgs, strict, with one-line errors. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../errors.ts';
import type { Shard } from '../explore-result.ts';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export function parseFlags<T extends OptionSpec>(argv: string[], options: T, allowPositionals = false) {
  let parsed;
  try {
    parsed = parseArgs({
      args: attachNegativeNumbers(argv, options),
      options,
      strict: true,
      allowPositionals,
      tokens: true,
    });
  } catch (e) {
    throw new UsageError((e as Error).message.split('\n')[0]!.replace(/\. To specify a positional.*$/, ''));
  }
  refuseRepeats(parsed.tokens, options);
  return { values: parsed.values, positionals: parsed.positionals };
}

/** parseArgs keeps the last of a repeated flag silently; a repeat of a flag that takes one value is
 *  almost always a mistake (two --scenario: which one ran?), so it is refused. */
function refuseRepeats(tokens: { kind: string; name?: string }[], options: OptionSpec): void {
  const counts = new Map<string, number>();
  for (const token of tokens) {
    if (token.kind !== 'option' || token.name === undefined || options[token.name]?.multiple) continue;
    counts.set(token.name, (counts.get(token.name) ?? 0) + 1);
  }
  for (const [name, count] of counts)
    if (count > 1) throw new UsageError(`--${name} given ${count} times: it takes one value`);
}

export function intFlag(
  value: string | undefined,
  name: string,
  fallback: number,
  min = 0,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (value === undefined) return fallback;
  if (!/^-?\d+$/.test(value.trim())) throw new UsageError(`--${name} must be an integer, got "${value}"`);
  const n = Number(value);
  if (n < min || n > max) throw new UsageError(`--${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

/** fast-check seeds are 32-bit integers: any the user gives; a drawn one is non-negative (a
 *  negative seed works, but reads like a mistake in a replay line). */
export function seedFlag(value: string | undefined): number {
  if (value === undefined) return drawnSeed(Date.now(), process.hrtime()[1]);
  return intFlag(value, 'seed', 0, -0x80000000, 0x7fffffff);
}

/** A seed from the clock: milliseconds mixed with the nanoseconds, kept to 31 bits. */
export function drawnSeed(nowMs: number, nanoseconds: number): number {
  return (nowMs ^ (nanoseconds << 7)) & 0x7fffffff;
}

const PATH_RE = /^\d+(:\d+)*$/;

export function pathFlag(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!PATH_RE.test(value))
    throw new UsageError(`--path must look like "12:3:0" (numbers separated by colons), got "${value}"`);
  return value;
}

/** parseArgs reads `--runs -5` as two flags; join such values so the range check can say what is wrong. */
function attachNegativeNumbers(argv: string[], options: OptionSpec): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    const name = arg.startsWith('--') ? arg.slice(2) : undefined;
    if (name && options[name]?.type === 'string' && next !== undefined && /^-\d/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

/** `--shard i/n`: this machine's slice of the cases, 1 <= i <= n. */
export function shardFlag(value: string | undefined): Shard | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d+)\/(\d+)$/.exec(value.trim());
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || index < 1 || index > count || count > 10_000)
    throw new UsageError(`--shard must look like 2/4 (this shard, then how many; 1 <= i <= n), got "${value}"`);
  return { index, count };
}

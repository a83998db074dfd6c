/**
 * The line a --client-cmd program's failure reason quotes: the last line it printed itself, or the
 * exception it crashed with. Python prints asyncio's "Future exception was never retrieved" blocks
 * at exit for futures nobody awaited; they are noise that buries the script's own last message. An
 * uncaught exception's traceback is the program's real crash, so its exception line counts. The rule:
 *
 *   the last non-blank line of stderr that is not inside a traceback block, or the exception line
 *   of a `Traceback` block (so a crash that ends the stream is quoted); of stdout when stderr has
 *   none; when every line is inside a "never retrieved" block, the last line (the exception itself).
 *
 * A block starts at `Traceback (most recent call last):`, at a line ending in `exception was never
 * retrieved`, or at a chained traceback's "During handling of the above exception ..." / "The above
 * exception was the direct cause ..."; it runs through blank and indented lines and `future: <...>` /
 * `task: <...>` lines, and ends with the first other line: the exception line
 * (`ConnectionError: connection closed`), skipped for a "never retrieved" block (a traceback inside
 * one is part of it), quoted for a `Traceback` block.
 */
const TRACEBACK = /^Traceback \(most recent call last\):\s*$/;
const NEVER_RETRIEVED = /^.*exception was never retrieved\s*$/;
const CHAINED = /^(During handling of the above exception|The above exception was the direct cause)/;
const LIMIT = 300;

export function lastOwnLine(stderr: string, stdout = ''): string {
  return (ownLine(stderr) ?? ownLine(stdout) ?? lastLine(stderr) ?? lastLine(stdout) ?? '').slice(0, LIMIT);
}

/** The last line of `text` outside "never retrieved" blocks and traceback bodies, if any. */
function ownLine(text: string): string | undefined {
  let own: string | undefined;
  let block: 'none' | 'traceback' | 'never-retrieved' = 'none';
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    if (NEVER_RETRIEVED.test(line)) {
      block = 'never-retrieved';
      continue;
    }
    if (TRACEBACK.test(line) || CHAINED.test(line)) {
      if (block === 'none') block = 'traceback';
      continue;
    }
    if (block !== 'none') {
      if (line === '' || /^\s/.test(line) || /^(future|task): </.test(line)) continue;
      // The exception line closes the block: noise for a future nobody awaited, the crash otherwise.
      if (block === 'traceback') own = line.trim();
      block = 'none';
      continue;
    }
    if (line.trim() !== '') own = line.trim();
  }
  return own;
}

function lastLine(text: string): string | undefined {
  const line = text.trim().split('\n').at(-1)?.trim();
  return line ? line : undefined;
}

/**
 * The line a --client-cmd program's failure reason quotes: the last line it printed itself. Python
 * prints tracebacks of its own at exit (an uncaught exception, asyncio's "Future exception was never
 * retrieved" for a future nobody awaited), which bury the script's own last message; so the rule is:
 *
 *   the last non-blank line of stderr that is not inside a Python traceback block, or of stdout when
 *   stderr has none; when every line is inside such a block, the last line (the exception itself).
 *
 * A block starts at `Traceback (most recent call last):`, at a line ending in `exception was never
 * retrieved`, or at a chained traceback's "During handling of the above exception ..." / "The above
 * exception was the direct cause ..."; it runs through blank and indented lines and `future: <...>` /
 * `task: <...>` lines, and ends with the first other line: the exception line
 * (`ConnectionError: connection closed`).
 */
const BLOCK_START = /^(Traceback \(most recent call last\):|.*exception was never retrieved)\s*$/;
const CHAINED = /^(During handling of the above exception|The above exception was the direct cause)/;
const LIMIT = 300;

export function lastOwnLine(stderr: string, stdout = ''): string {
  return (ownLine(stderr) ?? ownLine(stdout) ?? lastLine(stderr) ?? lastLine(stdout) ?? '').slice(0, LIMIT);
}

/** The last line of `text` outside traceback blocks, if any. */
function ownLine(text: string): string | undefined {
  let own: string | undefined;
  let inBlock = false;
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    if (BLOCK_START.test(line) || CHAINED.test(line)) {
      inBlock = true;
      continue;
    }
    if (inBlock) {
      if (line === '' || /^\s/.test(line) || /^(future|task): </.test(line)) continue;
      inBlock = false; // the exception line closes the block
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

/**
 * The line a --client-cmd program's failure reason quotes: the last line it printed itself, or the
 * exception it crashed with. Python prints noise of its own after a script's last line: asyncio's
 * "Future exception was never retrieved" blocks for futures nobody awaited, and at interpreter
 * shutdown "coroutine '...' was never awaited" / "Enable tracemalloc ..." warnings, "Exception
 * ignored in: ..." blocks, "Task was destroyed but it is pending!" and aiohttp's "Unclosed client
 * session" (python-libjuju crashes end with these: trial 11). They bury the script's own last message.
 * An uncaught exception's traceback is the program's real crash, so its exception line counts. The rule:
 *
 *   the last non-blank line of stderr that is not noise nor inside a traceback block, or the
 *   exception line of a `Traceback` block (so a crash that ends the stream is quoted); of stdout
 *   when stderr has none; when every line is noise, the last line.
 *
 * A traceback block starts at `Traceback (most recent call last):`, at a line ending in `exception
 * was never retrieved`, at `Exception ignored in: ...`, or at a chained traceback's "During handling
 * of the above exception ..." / "The above exception was the direct cause ..."; it runs through blank
 * and indented lines and asyncio's `future: <...>` / `task: <...>` context lines, and ends with the
 * first other line: the exception line (`ConnectionError: connection closed`), skipped for a "never
 * retrieved" or "ignored" block (a traceback inside one is part of it), quoted for a `Traceback` block.
 * A shutdown line (a warning, "Task was destroyed ...", "Unclosed ...", possibly behind a logging
 * prefix) is skipped with its indented and context continuation lines; the next other line counts.
 *
 * Node prints an uncaught exception as the throwing source line, a caret line under it, the error
 * (`TypeError: ...`, `Error [ERR_MODULE_NOT_FOUND]: ...`) with its stack and properties, then its
 * version banner `Node.js v20.20.2` as the stream's last line (trial 13: every Node program's reason
 * was that banner). The banner is never quoted; at a banner, the crash's error line is: the first
 * non-blank line after the last caret line.
 */
const TRACEBACK = /^Traceback \(most recent call last\):\s*$/;
const SWALLOWS_EXCEPTION = /(exception was never retrieved\s*$|^Exception ignored in\b)/;
const CHAINED = /^(During handling of the above exception|The above exception was the direct cause)/;
const SHUTDOWN = new RegExp(
  [
    // warnings.showwarning's format: "<file>:<line>: <Category>: <message>" ("sys:1: ..." at exit)
    /^(\S+:\d+: )?RuntimeWarning: (coroutine .* was never awaited|Enable tracemalloc)/.source,
    /^(\S+:\d+: )?ResourceWarning: unclosed/.source,
    /Task was destroyed but it is pending!\s*$/.source,
    /Unclosed (client session|connection|connector)\s*$/.source,
  ].join('|'),
);
/** asyncio's exception-handler context lines ("task: <Task pending ...>") and aiohttp's. */
const CONTEXT =
  /^(future|task|handle|protocol|transport|socket|asyncgen|client_session|client_connection|connector|connections): /;
/** The line Node prints under the throwing source line, pointing at the column that threw. */
const NODE_CARET = /^\s*\^+\s*$/;
const NODE_BANNER = /^Node\.js v\d+\.\d+\.\d+\s*$/;
const LIMIT = 300;

export function lastOwnLine(stderr: string, stdout = ''): string {
  return (ownLine(stderr) ?? ownLine(stdout) ?? lastLine(stderr) ?? lastLine(stdout) ?? '').slice(0, LIMIT);
}

/** The last line of `text` outside noise and traceback bodies, if any. */
function ownLine(text: string): string | undefined {
  let own: string | undefined;
  let block: 'none' | 'traceback' | 'swallowed' | 'shutdown' = 'none';
  // Node's crash: 'caret' after its caret line, then the error line it quotes once the banner comes.
  let nodeCrash: 'none' | 'caret' | { error: string } = 'none';
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    const continues = line === '' || /^\s/.test(line) || CONTEXT.test(line);
    if (block === 'shutdown') {
      if (continues) continue;
      block = 'none';
    }
    if (SWALLOWS_EXCEPTION.test(line)) {
      block = 'swallowed';
      continue;
    }
    if (TRACEBACK.test(line) || CHAINED.test(line)) {
      if (block === 'none') block = 'traceback';
      continue;
    }
    if (block !== 'none') {
      if (continues) continue;
      // The exception line closes the block: noise for an ignored one, the crash otherwise.
      if (block === 'traceback') own = line.trim();
      block = 'none';
      continue;
    }
    if (SHUTDOWN.test(line)) {
      block = 'shutdown';
      continue;
    }
    if (NODE_BANNER.test(line)) {
      if (typeof nodeCrash === 'object') own = nodeCrash.error;
      nodeCrash = 'none';
      continue;
    }
    if (NODE_CARET.test(line)) nodeCrash = 'caret';
    else if (nodeCrash === 'caret' && line.trim() !== '') nodeCrash = { error: line.trim() };
    if (line.trim() !== '') own = line.trim();
  }
  return own;
}

function lastLine(text: string): string | undefined {
  const line = text.trim().split('\n').at(-1)?.trim();
  return line ? line : undefined;
}

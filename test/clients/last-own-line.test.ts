/**
 * A --client-cmd program's failure reason quotes the last line it printed itself, not the tail of a
 * traceback Python printed for it at exit (trial 10: a deploy.py killed at its deadline was reported
 * as "ConnectionError: connection closed", from asyncio's "Future exception was never retrieved").
 * An uncaught exception's traceback is the program's real crash, so its exception line is quoted.
 * The samples are what /usr/bin/python3 3.11 prints.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lastOwnLine } from '../../harness/clients/last-own-line.ts';

const NEVER_RETRIEVED = [
  'Future exception was never retrieved',
  "future: <Future finished exception=ConnectionError('connection closed')>",
  'ConnectionError: connection closed',
].join('\n');

const CHAINED_TRACEBACK = [
  'Traceback (most recent call last):',
  '  File "<string>", line 5, in <module>',
  'OSError: refused',
  '',
  'The above exception was the direct cause of the following exception:',
  '',
  'Traceback (most recent call last):',
  '  File "<string>", line 7, in <module>',
  'ConnectionError: connection closed',
].join('\n');

/** Tails of real python-libjuju 3.5.2 crashes under /usr/bin/python3 3.11 (trial 11, out-base36 and
 *  out-bug-nowaitupgrade client-output.txt): the script's last line, then the interpreter's noise. */
const LIBJUJU_CRASH = [
  '2026-11-27 19:37:58,957 juju.client.connection WARNING RPC: Connection closed, reconnecting',
  "deployment failed: TypeError('Passing coroutines is forbidden, use tasks explicitly.')",
  "sys:1: RuntimeWarning: coroutine 'Connection.reconnect' was never awaited",
  'RuntimeWarning: Enable tracemalloc to get the object allocation traceback',
].join('\n');

const LIBJUJU_MID_RUN_NOISE = [
  "2026-11-27 19:45:46,068 robust WARNING attempt 2 failed: JujuAPIError('upgrade in progress')",
  '2026-11-27 19:45:50,526 asyncio ERROR Task was destroyed but it is pending!',
  "task: <Task pending name='Task-41' coro=<Connection._pinger.<locals>._do_ping() running at /tmp/trial11/pylibjuju/juju/client/connection.py:602> wait_for=<Future pending cb=[Task.task_wakeup()]>>",
  "/usr/lib/python3.11/json/encoder.py:254: RuntimeWarning: coroutine 'Connection.reconnect' was never awaited",
  '  _iterencode = _make_iterencode(',
  'RuntimeWarning: Enable tracemalloc to get the object allocation traceback',
].join('\n');

/** What Python and aiohttp print at shutdown for an event loop closed under live objects. */
const EXCEPTION_IGNORED = [
  'Exception ignored in: <function _ProactorBasePipeTransport.__del__ at 0x7f>',
  'Traceback (most recent call last):',
  '  File "/usr/lib/python3.11/asyncio/base_events.py", line 515, in _check_closed',
  "    raise RuntimeError('Event loop is closed')",
  'RuntimeError: Event loop is closed',
].join('\n');

const UNCLOSED = [
  'Unclosed client session',
  'client_session: <aiohttp.client.ClientSession object at 0x7f3b2c>',
  'Unclosed connection',
  'client_connection: Connection<ConnectionKey(host=127.0.0.1, port=17070)>',
  "ResourceWarning: unclosed <socket.socket fd=7, family=2, type=1, proto=6, laddr=('127.0.0.1', 50312)>",
].join('\n');

describe('lastOwnLine: the line a failure reason quotes', () => {
  it('skips asyncio\'s "Future exception was never retrieved" blocks after the script\'s last message', () => {
    const stderr = `[deploy 1.0] connection lost: ConnectionError: connection closed\n[deploy 2.0] killed at the deadline\n${NEVER_RETRIEVED}\n${NEVER_RETRIEVED}\n`;
    expect(lastOwnLine(stderr)).toBe('[deploy 2.0] killed at the deadline');
  });

  it('keeps lines printed after a block', () => {
    expect(lastOwnLine(`${NEVER_RETRIEVED}\n[deploy 3.0] bundle deployed: every unit active\n`)).toBe(
      '[deploy 3.0] bundle deployed: every unit active',
    );
    expect(lastOwnLine(`${CHAINED_TRACEBACK}\n[deploy] retrying\n`)).toBe('[deploy] retrying');
  });

  it("quotes an uncaught traceback's exception line: the crash, not an earlier message", () => {
    const crash =
      'Traceback (most recent call last):\n  File "deploy.py", line 9\nConnectionError: connection closed\n';
    expect(lastOwnLine(crash, 'deploying\nwaiting for units\n')).toBe('ConnectionError: connection closed');
    expect(lastOwnLine(`watching\n${crash}`)).toBe('ConnectionError: connection closed');
    expect(lastOwnLine(`[deploy] cannot log in: bad password\n${CHAINED_TRACEBACK}\n`)).toBe(
      'ConnectionError: connection closed',
    );
    // asyncio's noise printed after the crash does not hide it.
    expect(lastOwnLine(`watching\n${crash}${NEVER_RETRIEVED}\n`)).toBe('ConnectionError: connection closed');
  });

  it('skips a "never retrieved" block that carries its own traceback', () => {
    const withTraceback = [
      'Future exception was never retrieved',
      "future: <Future finished exception=ConnectionError('connection closed')>",
      'Traceback (most recent call last):',
      '  File "deploy.py", line 12, in watch',
      'ConnectionError: connection closed',
    ].join('\n');
    expect(lastOwnLine(`[deploy] killed at the deadline\n${withTraceback}\n`)).toBe('[deploy] killed at the deadline');
  });

  it("falls back to stdout when stderr has no line of the program's own, and is empty for no output", () => {
    expect(lastOwnLine('', 'deploying\ngave up: mysql in error\n')).toBe('gave up: mysql in error');
    expect(lastOwnLine(NEVER_RETRIEVED, 'gave up\n')).toBe('gave up');
    expect(lastOwnLine('  \n', '')).toBe('');
  });

  it('keeps a plain last line as it is, cut at 300 characters', () => {
    expect(lastOwnLine('one\ntwo\n')).toBe('two');
    expect(lastOwnLine(`${'x'.repeat(400)}\n`)).toHaveLength(300);
  });
  it("skips the interpreter's shutdown noise after a python-libjuju script's last line (trial 11)", () => {
    const reason = "deployment failed: TypeError('Passing coroutines is forbidden, use tasks explicitly.')";
    expect(lastOwnLine(`${LIBJUJU_CRASH}\n`)).toBe(reason);
    expect(lastOwnLine(`${LIBJUJU_CRASH}\n${EXCEPTION_IGNORED}\n${UNCLOSED}\n`)).toBe(reason);
    expect(lastOwnLine(`${LIBJUJU_MID_RUN_NOISE}\n`)).toBe(
      "2026-11-27 19:45:46,068 robust WARNING attempt 2 failed: JujuAPIError('upgrade in progress')",
    );
  });

  it('counts the lines printed after shutdown noise, and the crash printed before it', () => {
    expect(lastOwnLine(`${LIBJUJU_MID_RUN_NOISE}\n2026-11-27 19:46:08,463 robust INFO deployment complete\n`)).toBe(
      '2026-11-27 19:46:08,463 robust INFO deployment complete',
    );
    const crash = 'Traceback (most recent call last):\n  File "deploy.py", line 9\nJujuError: unknown deploy type cs\n';
    expect(lastOwnLine(`${crash}${UNCLOSED}\n${EXCEPTION_IGNORED}\n`)).toBe('JujuError: unknown deploy type cs');
  });

  it('quotes the last noise line when nothing else was printed', () => {
    expect(lastOwnLine(`${UNCLOSED}\n`)).toBe(UNCLOSED.split('\n').at(-1));
  });

  it("quotes a Node program's uncaught error, not the version banner Node prints after it (trial 13)", () => {
    const dir = mkdtempSync(join(tmpdir(), 'uc-node-crash-'));
    try {
      const stderrOf = (name: string, source: string): string => {
        writeFileSync(join(dir, name), source);
        const run = spawnSync(process.execPath, [join(dir, name)], { cwd: dir, encoding: 'utf8' });
        expect(run.status).toBe(1);
        expect(run.stderr).toMatch(/Node\.js v\d+/);
        return run.stderr;
      };
      const missing = stderrOf('importfail.mjs', "import 'no-such-package-uc';\n");
      expect(lastOwnLine(missing)).toMatch(/^Error \[ERR_MODULE_NOT_FOUND\]: Cannot find package 'no-such-package-uc'/);
      const typeError = stderrOf('crash.mjs', "console.error('connecting');\nconst x = null;\nx.foo();\n");
      expect(lastOwnLine(typeError, 'deploying\n')).toBe("TypeError: Cannot read properties of null (reading 'foo')");
      const withProps = stderrOf('props.cjs', "const e = new Error('refused'); e.code = 'E1'; throw e;\n");
      expect(lastOwnLine(withProps)).toBe('Error: refused');
      expect(lastOwnLine(stderrOf('plain.mjs', "throw 'gave up';\n"))).toBe('gave up');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('quotes the last line of a program that prints a caret line but no Node banner', () => {
    expect(lastOwnLine('retry 1\n    ^\nwaiting\nmysql in error\n')).toBe('mysql in error');
  });
});

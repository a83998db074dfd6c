/**
 * A --client-cmd program's failure reason quotes the last line it printed itself, not the tail of a
 * traceback Python printed for it at exit (trial 10: a deploy.py killed at its deadline was reported
 * as "ConnectionError: connection closed", from asyncio's "Future exception was never retrieved").
 * An uncaught exception's traceback is the program's real crash, so its exception line is quoted.
 * The samples are what /usr/bin/python3 3.11 prints.
 */
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
});

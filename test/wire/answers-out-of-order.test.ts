/**
 * The controller serves a connection's requests concurrently, as Juju does: a long-polling
 * AllWatcher.Next is answered after a later Ping. A client that matches answers to requests in send
 * order (not by request-id) takes the Ping's answer for its Next's and asks Next again while the
 * first is still waiting; the controller refuses that, and watchers-resume (rule 3) judges the
 * client. The same calls made by a client that matches by request-id leave nothing to judge.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { NEXT_IN_FLIGHT_ERROR } from '../../harness/history.ts';
import type { ControllerServer } from '../../harness/wire/server.ts';
import { watchersResume } from '../../properties/watchers-resume.ts';
import { history } from '../properties/build.ts';
import { fastProfile, RawClient, startServer } from './helpers.ts';

let server: ControllerServer | undefined;
let client: RawClient | undefined;
/** Above the ids RawClient.call numbers its requests with. */
const PING_ID = 1000;

afterEach(async () => {
  client?.close();
  client = undefined;
  await server?.close();
  server = undefined;
});

/** Logs in, watches, takes the first Next's snapshot, then asks a Next that waits (nothing changes)
 *  and a Ping after it: returns the Next still waiting and the first frame that arrived after. */
async function nextThenPing(): Promise<{ id: string; waiting: Promise<unknown>; firstAnswer: unknown }> {
  server = await startServer(fastProfile('juju-1.22', { implicitUpgrade: false }));
  server.current.controller.bootstrap();
  client = await RawClient.open(server.modelUrl);
  await client.login();
  const id = String((await client.call('Client', 8, 'WatchAll')).response['watcher-id']);
  await client.call('AllWatcher', 3, 'Next', undefined, id);
  const waiting = client.call('AllWatcher', 3, 'Next', undefined, id);
  client.sendRaw(JSON.stringify({ 'request-id': PING_ID, type: 'Pinger', version: 1, request: 'Ping' }));
  return { id, waiting, firstAnswer: await client.frame() };
}

/** The server's history under a run-start (the properties read the run's params there). */
function judged(): ReturnType<typeof watchersResume.check> {
  return watchersResume.check([history().records[0]!, ...server!.current.history.records]);
}

function nextRefusals(): unknown[] {
  return server!.current.history.records.filter((r) => r.type === 'request' && r.error === NEXT_IN_FLIGHT_ERROR);
}

describe('answers out of send order', () => {
  it("a fifo-matching client asks Next again on the Ping's answer: refused, and watchers-resume judges it", async () => {
    const { id, waiting, firstAnswer } = await nextThenPing();
    waiting.catch(() => {}); // never answered: nothing changes before the connection closes
    expect(firstAnswer, 'the Ping, sent second, is answered first').toEqual({ 'request-id': PING_ID, response: {} });
    // Taking that answer for its Next's, the client asks the next Next.
    expect(await client!.call('AllWatcher', 3, 'Next', undefined, id)).toMatchObject({
      error: NEXT_IN_FLIGHT_ERROR,
      'error-code': 'bad request',
    });
    expect(nextRefusals()).toHaveLength(1);
    const violations = judged();
    expect(violations).toHaveLength(1); // the client is named by its address here
    expect(violations[0]!.message).toContain(
      `asked AllWatcher.Next on watcher ${id} (conn 1) before its previous Next there was answered: ` +
        'it matches answers to requests out of order (not by request-id)',
    );
  });

  it('a client matching by request-id makes the same calls and leaves nothing to judge', async () => {
    const { id, waiting } = await nextThenPing();
    const other = await RawClient.open(server!.modelUrl);
    await other.login();
    await other.call('Application', 19, 'Deploy', {
      applications: [{ application: 'mysql', 'charm-url': 'cs:mysql', 'num-units': 1 }],
    });
    other.close();
    await waiting; // its own Next's answer, by request-id: then it asks the next one
    expect((await client!.call('AllWatcher', 3, 'Stop', undefined, id)).error).toBeUndefined();
    expect(nextRefusals()).toEqual([]);
    expect(judged()).toEqual([]);
  });
});

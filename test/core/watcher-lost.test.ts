/**
 * Controller.watcherLost (a client had a watcher and has none live) is kept as watchers start and
 * stop (live-watchers.ts), not read by walking the history at every call; a controller recovered
 * after a crash answers from the records it recovers, as the records show it.
 */
import { describe, expect, it } from 'vitest';
import { Controller } from '../../harness/controller/controller.ts';
import { controllerProfile } from '../../harness/controller/profile.ts';
import { Recorder } from '../../harness/history.ts';
import { seededRng } from '../../harness/rng.ts';
import { CREDENTIALS, makeController, rawConnection } from './controller-fixture.ts';

describe('Controller.watcherLost', () => {
  it('follows the watchers as they start and stop, and is rebuilt from the records on recovery', () => {
    const { clock, history, controller } = makeController('juju-1.24');
    controller.bootstrap();
    clock.runUntil(60_000);
    const c = rawConnection(controller, 'watcher');
    c.login();
    expect(controller.watcherLost('watcher')).toBe(false); // never had one
    c.call('Client', 'WatchAll');
    expect(controller.watcherLost('watcher')).toBe(false); // has one
    expect(controller.stopWatchers('watcher')).toBe(true);
    expect(controller.watcherLost('watcher')).toBe(true); // had one, none live

    const records = [...history.records];
    const after = new Recorder(() => clock.now());
    after.restore(records);
    const state = controller.durable();
    controller.abandon();
    const recovered = new Controller({
      clock,
      history: after,
      profile: controllerProfile('juju-1.24')!,
      credentials: CREDENTIALS,
      rng: seededRng(2),
      recover: { state, records },
    });
    expect(recovered.watcherLost('watcher')).toBe(true);
    expect(recovered.watcherLost('other')).toBe(false);
  });
});

/** A controller model on a virtual clock, with a raw API connection for driving it in tests. */
import { VirtualScheduler } from '../../harness/clock.ts';
import type { ApiResponse } from '../../harness/controller/api-types.ts';
import { facadeVersion } from '../../harness/controller/api-types.ts';
import { Controller } from '../../harness/controller/controller.ts';
import { controllerProfile, type ControllerProfile } from '../../harness/controller/profile.ts';
import { Recorder } from '../../harness/history.ts';
import { seededRng } from '../../harness/rng.ts';

export const CREDENTIALS = { username: 'admin', password: 'secret' };

export function makeController(profile: string, changes: Partial<ControllerProfile> = {}) {
  const clock = new VirtualScheduler();
  const history = new Recorder(() => clock.now());
  const controller = new Controller({
    clock,
    rng: seededRng(1),
    history,
    profile: { ...controllerProfile(profile)!, ...changes },
    credentials: CREDENTIALS,
  });
  return { clock, history, controller };
}

/** A connection whose responses land in `responses`; `call` sends a request and returns its id. */
export function rawConnection(controller: Controller, client = 'test') {
  const responses: ApiResponse[] = [];
  let closed = false;
  const conn = controller.connect(client, {
    send: (r) => responses.push(r),
    close: () => {
      closed = true;
    },
  });
  if (!conn) throw new Error('controller refused the connection');
  let id = 0;
  const call = (type: string, request: string, params: Record<string, unknown> = {}, objectId?: string): number => {
    id++;
    conn.receive({
      'request-id': id,
      type,
      version: facadeVersion(type) || 1,
      request,
      params,
      ...(objectId ? { id: objectId } : {}),
    });
    return id;
  };
  const reply = (requestId: number) => responses.find((r) => r['request-id'] === requestId);
  const login = () => reply(call('Admin', 'Login', { 'auth-tag': 'user-admin', credentials: 'secret' }));
  return { conn, call, reply, login, responses, isClosed: () => closed };
}

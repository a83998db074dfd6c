/**
 * The Juju 3 wire from Python: a small client of our own (python/juju3_client.py) on Debian's
 * python3-websockets (/usr/bin/python3; .ci/run installs it) connects over wss:// with the CA the
 * server made, negotiates facades as python-libjuju does, uploads a charm and deploys it, and
 * follows its watcher until the units are active.
 */
import { execa } from 'execa';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MODEL_UUID } from '../../harness/controller/model-state.ts';
import type { ControllerServer } from '../../harness/wire/server.ts';
import { CREDENTIALS, fastProfile, startServer } from './helpers.ts';

const PYTHON = '/usr/bin/python3';
const CLIENT = join(import.meta.dirname, 'python', 'juju3_client.py');

async function hasWebsockets(): Promise<boolean> {
  const r = await execa(PYTHON, ['-c', 'import websockets'], { reject: false });
  return r.exitCode === 0;
}

const available = await hasWebsockets();
let server: ControllerServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

const CLIENT_TIMEOUT_MS = 60_000;

describe('wire/juju3 from Python (python3-websockets)', () => {
  it.skipIf(!available)(
    `connects over wss with the CA, deploys an uploaded charm and watches its units go active${available ? '' : ` (skipped: ${PYTHON} cannot import websockets; apt-get install python3-websockets)`}`,
    async () => {
      server = await startServer(fastProfile('juju-3.6'), 1, { tls: true });
      server.current.controller.bootstrap();
      await server.settled();
      const r = await execa(PYTHON, [CLIENT], {
        reject: false,
        timeout: CLIENT_TIMEOUT_MS,
        env: {
          UC_HOST: '127.0.0.1',
          UC_PORT: String(server.tlsPort),
          UC_UUID: MODEL_UUID,
          UC_CA_FILE: server.caCertFile!,
          UC_USERNAME: CREDENTIALS.username,
          UC_PASSWORD: CREDENTIALS.password,
          UC_UNITS: '2',
        },
      });
      expect(r.stderr).toBe('');
      expect(r.exitCode).toBe(0);
      const seen = JSON.parse(r.stdout) as Record<string, unknown>;
      expect(seen).toMatchObject({
        'server-version': '3.6.0',
        versions: { Client: 6, ModelConfig: 3, AllWatcher: 3, Pinger: 1, Application: 19, Charms: 6, ModelManager: 9 },
        'charmhub-url': `http://127.0.0.1:${server.port}/charmhub`,
        'charm-info-name': 'hello',
        'model-delta-config': [`http://127.0.0.1:${server.port}/charmhub`],
        'charm-url': 'local:jammy/hello-0',
        deploy: [{}],
        units: { 'hello/0': 'active', 'hello/1': 'active' },
        'application-status': 'active',
        'model-info': { name: 'default', uuid: MODEL_UUID, 'agent-version': '3.6.0' },
      });
      expect(seen['since']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
      expect(server.current.controller.model.application('hello')!.units).toHaveLength(2);
    },
    CLIENT_TIMEOUT_MS + 10_000, // the client's own bound, not vitest's 60 s default, says when it hung
  );
});

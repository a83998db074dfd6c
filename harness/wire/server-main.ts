/**
 * The controller server as a process of its own, for the process target:
 *   node --import tsx harness/wire/server-main.ts --port 0 --username U --password P [--time-scale S]
 * It prints one line `UPGRADE_CHAOS_READY {"port":N,"modelUrl":"...","pid":N}` on stdout once it
 * listens (with --tls also "tlsPort", "tlsModelUrl", "caCert" and "caCertFile"),
 * and exits when stdin closes (its parent is gone) or on SIGTERM, so it never outlives the harness;
 * it ignores SIGINT (a terminal's Ctrl-C to the harness's group), which the harness handles
 * (in a container, where stdin is closed from the start, only on SIGTERM: the container target stops it).
 * Runs start with POST /admin/reset; this entry bootstraps nothing on its own.
 */
import { ControllerServer } from './server.ts';
import { IN_CONTAINER_ENV, parseServerFlags, READY_PREFIX, type TlsReady } from './server-flags.ts';
import { UsageError } from '../errors.ts';

async function main(): Promise<number> {
  let server: ControllerServer;
  try {
    const { options } = parseServerFlags(process.argv.slice(2), { port: 0, controller: 'juju-1.24' });
    server = await ControllerServer.start(options);
  } catch (e) {
    process.stderr.write(`upgrade-chaos controller server: ${(e as Error).message}\n`);
    return e instanceof UsageError ? 2 : 3;
  }
  process.stdout.write(
    `${READY_PREFIX}${JSON.stringify({ port: server.port, modelUrl: server.modelUrl, pid: process.pid, ...tlsInfo(server) })}\n`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    // In a container stdin is closed from the start: there the harness stops the container.
    if (process.env[IN_CONTAINER_ENV] === '1') return void process.once('SIGINT', resolve);
    // A terminal's Ctrl-C reaches the harness's whole process group, this server too: the harness
    // still needs it to collect the runs in flight, and ends it (closing stdin) once it has.
    process.on('SIGINT', () => {});
    process.stdin.once('end', resolve);
    process.stdin.once('close', resolve);
    process.stdin.resume();
  });
  await server.close();
  return 0;
}

function tlsInfo(server: ControllerServer): Partial<TlsReady> {
  const { tlsPort, tlsModelUrl, caCert, caCertFile } = server;
  if (tlsPort === undefined || !tlsModelUrl || !caCert || !caCertFile) return {};
  return { tlsPort, tlsModelUrl, caCert, caCertFile };
}

process.exitCode = await main();
// Sockets and timers of a closed server must not keep the process alive.
process.exit();

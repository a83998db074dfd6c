/**
 * The container target (`--target container`): the process target with its controller server in
 * a Docker container (container-server.ts) instead of a child process, on an image built here
 * (image.ts) or named with --image. One container for the whole exploration, one controller
 * session per run there, runs concurrent as on the process target; network faults go through
 * the same fault proxies on loopback.
 */
import { randomBytes } from 'node:crypto';
import type { Credentials } from '../../controller/api-types.ts';
import { ProcessTarget, type ProcessTargetOptions } from '../process/index.ts';
import { ContainerServer, requireDocker } from './container-server.ts';
import { controllerImage } from './image.ts';

export interface ContainerTargetOptions extends Omit<ProcessTargetOptions, 'port'> {
  /** An image of the controller server to run instead of building one (`--image NAME`). */
  image?: string;
  /** Told what takes seconds before the first run (building or reusing the image, starting the
   *  container): the CLI says it on stderr, so a user does not wait in silence. */
  onSetup?: (line: string) => void;
}

export async function createContainerTarget(
  options: ContainerTargetOptions = {},
): Promise<ProcessTarget<ContainerServer>> {
  const credentials: Credentials = options.credentials ?? {
    username: 'admin',
    password: randomBytes(12).toString('hex'),
  };
  await requireDocker();
  const say = options.onSetup ?? (() => {});
  if (options.image !== undefined) say(`using image ${options.image} (--image)`);
  const image = options.image ?? (await controllerImage({ onStep: say })).name;
  say('starting the controller container');
  const server = await ContainerServer.start(image, credentials);
  return new ProcessTarget(server, credentials, options, 'container');
}

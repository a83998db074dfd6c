/** The sim as a Target: simulate() behind the async interface the real targets share. */
import type { Target } from '../target.ts';
import { simulate } from './simulate.ts';
import { UsageError } from '../../errors.ts';

export function createSimTarget(): Target {
  return {
    name: 'sim',
    run: async (config, plan, seed) => {
      if (config.client.realSocketsOnly) {
        throw new UsageError(
          `the ${config.client.name} client needs real sockets: use --target process, container or external`,
        );
      }
      return simulate(config, plan, seed);
    },
    close: async () => {},
  };
}

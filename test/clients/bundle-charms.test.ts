/**
 * The bundle a --client-cmd program deploys names each application apart from its charm, as a Juju
 * bundle does: a repeated deploy's application wordpress-2 runs the charm wordpress, not
 * `cs:trusty/wordpress-2` (which Juju's charm URL grammar reads as revision 2 of wordpress).
 */
import { describe, expect, it } from 'vitest';
import { bundleFromPlan } from '../../harness/clients/command-client.ts';
import { charmUrlOf } from '../../harness/plan.ts';

describe('bundleFromPlan', () => {
  it("gives a repeated deploy's application the charm it repeats, not a revision of it", () => {
    const bundle = bundleFromPlan([
      { kind: 'bootstrap' },
      { kind: 'deploy', client: 0, app: 'wordpress', units: 1 },
      { kind: 'deploy', client: 0, app: 'wordpress-2', units: 2 },
      { kind: 'deploy', client: 0, app: 'postgresql-12', units: 1 },
    ]);
    expect(bundle.applications).toEqual({
      wordpress: { charm: 'cs:trusty/wordpress', num_units: 1 },
      'wordpress-2': { charm: 'cs:trusty/wordpress', num_units: 2 },
      'postgresql-12': { charm: 'cs:trusty/postgresql', num_units: 1 },
    });
    expect(charmUrlOf('mysql')).toBe('cs:trusty/mysql');
  });
});

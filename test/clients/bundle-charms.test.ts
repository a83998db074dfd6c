/**
 * The bundle a --client-cmd program deploys names each application apart from its charm, as a Juju
 * bundle does: a repeated deploy's application wordpress-2 runs the charm wordpress, not
 * `cs:trusty/wordpress-2` (which Juju's charm URL grammar reads as revision 2 of wordpress).
 */
import { describe, expect, it } from 'vitest';
import { bundleFromPlan } from '../../harness/clients/command-client.ts';
import { charmSourceOf, charmUrlOf } from '../../harness/plan.ts';
import { CONTROLLER_PROFILES } from '../../harness/controller/profile.ts';

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

  it('names Charmhub charms for a Juju 3 controller (python-libjuju 3.x refuses cs:), charm store URLs for 1.x', () => {
    const plan = [
      { kind: 'bootstrap' as const },
      { kind: 'deploy' as const, client: 0, app: 'mysql', units: 2 },
      { kind: 'deploy' as const, client: 0, app: 'wordpress-2', units: 1 },
    ];
    expect(bundleFromPlan(plan, 'charmhub').applications).toEqual({
      mysql: { charm: 'mysql', num_units: 2 },
      'wordpress-2': { charm: 'wordpress', num_units: 1 },
    });
    const sources = Object.fromEntries(CONTROLLER_PROFILES.map((p) => [p.name, charmSourceOf(p.clientVersion)]));
    expect(sources).toEqual({
      'juju-1.22': 'charm-store',
      'juju-1.24': 'charm-store',
      'juju-1.25-inform': 'charm-store',
      'juju-3.6': 'charmhub',
    });
  });
});

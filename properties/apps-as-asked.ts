import type { History, RecordOf } from '../harness/history.ts';
import { formatMs } from '../harness/plan.ts';
import { CONTROLLER_NOT_OBSERVED, DEPLOY_METHODS } from './common.ts';
import { HistoryIndex, Kinds, Selection } from './history-index.ts';
import type { Property, Violation } from './property.ts';

const NAME = 'apps-as-asked';

/** The controller's deploys and the clients' invokes (what each was asked to deploy). */
const READS = new Selection(['request', 'invoke'], { applicationRequestsOnly: true });
/** A run with no accepted request still counts as observed by its bootstrap (an external
 *  controller writes neither). */
const OBSERVED = new Kinds(['bootstrap', 'request']);

type Request = RecordOf<'request'>;

/**
 * apps-as-asked: the final model holds only the applications the clients were asked to deploy,
 * each once, under the name asked: a script leaves behind nothing it was not asked for.
 *
 * For every application `app` of the `final-model` record that an accepted controller-side
 * `request` of the run created (facade 'Application', method 'Deploy' or 'DeployFromRepository',
 * `app` among its `apps`; the last such request when there are several): the client of that request
 * must have an `invoke` with f 'deploy' and value.app `app` (the plan's deploy events, or the
 * bundle a `--client-cmd` program was given: UPGRADE_CHAOS_BUNDLE). Otherwise a violation at that
 * request's time, naming the application, its client, and the asked application whose name it
 * extends (`postgresql-2` and `postgresql-spare` extend `postgresql`), if any. One violation per
 * application. Applications no Deploy of the run created (a lab controller's own) are not judged.
 *
 * Why "each once": Juju application names are unique, so a script cannot deploy an application
 * twice under its own name; it can deploy a second copy under another, and every such copy is an
 * application nobody asked for. Two habits do it: a script that meets "already exists" on the
 * retry of a Deploy whose answer was lost (the first attempt DID create the application) and
 * "picks a free name" (NAME-2) deploys the charm twice, each copy with its units, on every lost
 * answer (postgresql-2-2-2 after three); one that deploys "spare" copies leaves them running. Both
 * still bring every asked application up, so deployments-complete holds; only the final model's
 * extra applications show it. A correct client treats "already exists" after a lost answer as done.
 * (Whether an asked application runs the charm asked for is charm-as-asked's question.)
 *
 * Unknown when the history holds no controller-side records (an external controller: no request
 * says which Deploy created what) or no final model (the run never finished).
 */
export const appsAsAsked: Property = {
  name: NAME,
  summary: 'the final model holds only applications their clients were asked to deploy, each once, as named',
  cannotJudge(history: History): string | undefined {
    const index = HistoryIndex.of(history);
    if (!index.any(OBSERVED)) return `the history has no bootstrap or request record: ${CONTROLLER_NOT_OBSERVED}`;
    return index.finalModel ? undefined : 'the history has no final-model record: the run never finished';
  },
  check(history: History): Violation[] {
    const final = HistoryIndex.of(history).finalModel;
    if (!final) return [];
    const { creators, asked } = deploysOf(history);
    const violations: Violation[] = [];
    for (const app of Object.keys(final.model.applications)) {
      const created = creators.get(app);
      if (!created || asked.get(created.client)?.has(app)) continue;
      violations.push({ property: NAME, t: created.t, client: created.client, message: unasked(app, created, asked) });
    }
    return violations;
  },
};

/** Each application's last creating Deploy, and what each client was asked to deploy. */
function deploysOf(history: History): { creators: Map<string, Request>; asked: Map<string, Set<string>> } {
  const creators = new Map<string, Request>();
  const asked = new Map<string, Set<string>>();
  for (const r of HistoryIndex.of(history).select(READS)) {
    if (r.type === 'invoke') {
      if (r.f !== 'deploy') continue;
      let apps = asked.get(r.client);
      if (!apps) asked.set(r.client, (apps = new Set()));
      apps.add(r.value.app);
    } else if (r.accepted && DEPLOY_METHODS.has(r.method)) {
      for (const app of r.apps ?? []) creators.set(app, r);
    }
  }
  return { creators, asked };
}

/** The violation's message: what was created, by whom, and what the client was asked for. */
function unasked(app: string, created: Request, asked: ReadonlyMap<string, ReadonlySet<string>>): string {
  const own = [...(asked.get(created.client) ?? [])];
  const base = own.filter((a) => app.startsWith(`${a}-`)).sort((a, b) => b.length - a.length)[0];
  const copy = base !== undefined ? `: a second copy of ${base}, which it was asked to deploy` : '';
  const list = own.length > 0 ? `it was asked for ${own.join(', ')}` : 'it was asked to deploy nothing';
  const others = [...asked].filter(([c, apps]) => c !== created.client && apps.has(app)).map(([c]) => c);
  const elsewhere = others.length > 0 ? ` (${others.join(', ')} was asked for ${app}, not ${created.client})` : '';
  return (
    `${app} is in the final model, created by ${created.client}'s ${created.method} at t=${formatMs(created.t)} ` +
    `(conn ${created.conn}), but ${created.client} was never asked to deploy ${app}${copy}; ${list}${elsewhere}`
  );
}

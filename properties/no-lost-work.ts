import type { History, RecordOf } from '../harness/history.ts';
import { formatMs } from '../harness/plan.ts';
import { DEPLOY_METHODS } from './common.ts';
import { HistoryIndex, Selection } from './history-index.ts';
import type { Property, Violation } from './property.ts';

const NAME = 'no-lost-work';

const APPLICATION_REQUESTS = new Selection(['request'], { applicationRequestsOnly: true });

/**
 * no-lost-work: every acknowledged deploy is in the final model. For every controller-side
 * `request` with facade 'Application', method 'Deploy' or 'DeployFromRepository' (Juju 3's deploy
 * from CharmHub) and `accepted: true`, each application in
 * its `apps` must be an application of the `final-model` record. One violation per (request, app),
 * at the final model's time. Unknown when the run never reached quiescence (the `quiet` record
 * says reached: false, or is missing) or has no `final-model` record: it cannot tell lost work from
 * unfinished work. An application that a later accepted `Application.DestroyApplication` request
 * removed (it lists the app in `apps`) was not lost.
 */
export const noLostWork: Property = {
  name: NAME,
  summary: 'every application whose deploy the controller accepted is in the final model',
  cannotJudge: (history) => {
    const index = HistoryIndex.of(history);
    return index.cutShort ?? index.controllerUnseen;
  },
  check(history: History): Violation[] {
    const index = HistoryIndex.of(history);
    const final = index.finalModel;
    if (!final || index.cutShort !== undefined) return [];
    const apps = final.model.applications;
    const violations: Violation[] = [];
    const removedAt = new Map<string, number>(); // app -> time of its last accepted removal
    const deploys: RecordOf<'request'>[] = []; // accepted deploys: judged once every removal is known
    for (const r of index.select(APPLICATION_REQUESTS)) {
      if (!r.accepted) continue;
      if (r.method === 'DestroyApplication') for (const app of r.apps ?? []) removedAt.set(app, r.t);
      else if (DEPLOY_METHODS.has(r.method)) deploys.push(r);
    }
    for (const r of deploys) {
      for (const app of r.apps ?? []) {
        if (Object.hasOwn(apps, app) || (removedAt.get(app) ?? -1) >= r.t) continue;
        violations.push({
          property: NAME,
          t: final.t,
          client: r.client,
          message:
            `Application.Deploy of ${app} from ${r.client} (conn ${r.conn}) accepted at t=${formatMs(r.t)}, ` +
            `but ${app} is absent from the final model`,
        });
      }
    }
    return violations;
  },
};

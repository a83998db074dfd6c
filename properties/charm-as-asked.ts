import type { History, RecordOf } from '../harness/history.ts';
import { formatMs } from '../harness/plan.ts';
import { DEPLOY_METHODS } from './common.ts';
import { HistoryIndex, Selection } from './history-index.ts';
import type { Property, Violation } from './property.ts';

const NAME = 'charm-as-asked';

type Request = RecordOf<'request'>;

const APPLICATION_REQUESTS = new Selection(['request'], { applicationRequestsOnly: true });

/**
 * charm-as-asked: a retry does not change what is deployed. Every application of the final model
 * runs the charm that its deploying client's FIRST Deploy of it asked for.
 *
 * For every application `app` of the `final-model` record's `charms`: take the last accepted
 * controller-side `request` (facade 'Application', method 'Deploy' or 'DeployFromRepository') whose
 * `apps` lists `app` (the Deploy that created it) and its client C; take C's first Deploy request
 * (accepted or refused, by that facade and method) whose `charms` names `app` since the last
 * accepted Application.DestroyApplication that listed `app` (or since the start). The final
 * model's charm URL for `app` must equal the one that first request asked for. A `local:` charm
 * is compared without its revision: the controller gives a local charm a new revision at each
 * upload, so a retry that uploads the same charm again names a new URL for the same charm. One
 * violation per application, at the time of the Deploy that created it.
 *
 * Why: Juju deploys the charm URL the Deploy names. A deployment script that resolves the charm
 * again for each attempt ("latest"), after an "upgrade in progress" refusal or a lost connection,
 * deploys a revision nobody tested whenever the store moved in between; the team wanted what its
 * first attempt asked for. A correct client sends the same charm URL on every retry.
 *
 * Unknown when the history holds no controller-side records (an external controller: no request
 * records to compare) or its final model does not say which charms run (an older history); a
 * history without a final model (the run never finished) is unknown too.
 */
export const charmAsAsked: Property = {
  name: NAME,
  summary: "every application runs the charm its client's first Deploy of it asked for: a retry changes nothing",
  cannotJudge(history: History): string | undefined {
    const index = HistoryIndex.of(history);
    const unseen = index.controllerUnseen;
    if (unseen !== undefined) return unseen;
    const final = index.finalModel;
    if (!final) return 'the history has no final-model record: the run never finished';
    return final.charms ? undefined : 'the final model does not say which charm each application runs';
  },
  check(history: History): Violation[] {
    const charms = HistoryIndex.of(history).finalModel?.charms;
    if (!charms) return [];
    const deployed = deployingRequests(history);
    const violations: Violation[] = [];
    for (const [app, charm] of Object.entries(charms)) {
      const found = deployed.get(app);
      if (!found) continue; // not deployed through the API in this run
      const { created, first } = found;
      if (sameCharm(charm, first.charms![app]!)) continue;
      violations.push({
        property: NAME,
        t: created.t,
        client: created.client,
        message:
          `${app} runs ${charm}, deployed by ${created.client}'s Deploy at t=${formatMs(created.t)} (conn ${created.conn}), ` +
          `but ${created.client}'s first Deploy of ${app} at t=${formatMs(first.t)} asked for ${first.charms![app]} ` +
          `(${first.accepted ? 'accepted' : `refused: ${first.error ?? 'no error given'}`})`,
      });
    }
    return violations;
  },
};

/** For each application, the accepted Deploy that created it last, and its client's first Deploy
 *  of it since the application was last removed. */
function deployingRequests(history: History): Map<string, { created: Request; first: Request }> {
  const firsts = new Map<string, Map<string, Request>>(); // app -> client -> first Deploy naming it
  const deployed = new Map<string, { created: Request; first: Request }>();
  for (const r of HistoryIndex.of(history).select(APPLICATION_REQUESTS)) {
    if (r.method === 'DestroyApplication') {
      if (r.accepted) for (const app of r.apps ?? []) firsts.delete(app);
      continue;
    }
    if (!DEPLOY_METHODS.has(r.method)) continue;
    for (const app of Object.keys(r.charms ?? {})) {
      let byClient = firsts.get(app);
      if (!byClient) firsts.set(app, (byClient = new Map()));
      if (!byClient.has(r.client)) byClient.set(r.client, r);
    }
    if (!r.accepted) continue;
    for (const app of r.apps ?? []) {
      const first = firsts.get(app)?.get(r.client);
      if (first) deployed.set(app, { created: r, first });
    }
  }
  return deployed;
}

/** Whether two charm URLs name the same charm: equal, or both local and equal but for the revision. */
export function sameCharm(a: string, b: string): boolean {
  if (a === b) return true;
  return a.startsWith('local:') && b.startsWith('local:') && withoutRevision(a) === withoutRevision(b);
}

function withoutRevision(url: string): string {
  return url.replace(/-\d+$/, '');
}

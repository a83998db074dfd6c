/** The checks a plan from outside (a failure file, the corpus) must pass before it runs. */
import { activityTie, type Plan } from './plan.ts';
import { UsageError } from './errors.ts';

/** A plan must bootstrap exactly once, and name only the scenario's clients. */
export function checkPlan(plan: Plan, clients: number): void {
  const bootstraps = plan.filter((e) => e.kind === 'bootstrap').length;
  if (bootstraps !== 1) throw new UsageError(`a plan must bootstrap exactly once (this one does ${bootstraps} times)`);
  for (const e of plan) {
    const client = 'client' in e ? e.client : activityTie(e)?.client; // a tied restart or upgrade names one too
    if (client !== undefined && client >= clients)
      throw new UsageError(`plan names client-${client} but the scenario has ${clients} client(s)`);
  }
}

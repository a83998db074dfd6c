/**
 * What a plan's events act on. Every target (sim, process, container, external) offers these
 * actions; the runner plays a plan through them, so a plan means the same thing everywhere.
 */
import type { UpgradeRequest } from '../controller/controller.ts';
import type { Scheduler } from '../clock.ts';
import type { Recorder } from '../history.ts';
import { timeline, type Plan, type PlanEvent } from '../plan.ts';

export interface World {
  readonly clock: Scheduler;
  readonly history: Recorder;
  /** Each action returns whether it did something (false: nothing to act on, e.g. no connection). */
  bootstrap(): boolean;
  publish(version: string): boolean;
  upgrade(request: UpgradeRequest): boolean;
  restart(): boolean;
  disconnect(client: string): boolean;
  /** Blackhole the client for durationMs, then heal (the world schedules the heal). */
  partition(client: string, durationMs: number): boolean;
  deploy(client: string, app: string, units: number): boolean;
}

export function clientName(index: number): string {
  return `client-${index}`;
}

export function applyEvent(world: World, event: PlanEvent): boolean {
  switch (event.kind) {
    case 'bootstrap': return world.bootstrap();
    case 'publish': return world.publish(event.version);
    case 'upgrade': return world.upgrade({
      ...(event.version !== undefined ? { version: event.version } : {}),
      ...(event.uploadTools ? { uploadTools: true } : {}),
    });
    case 'restart': return world.restart();
    case 'disconnect': return world.disconnect(clientName(event.client));
    case 'partition': return world.partition(clientName(event.client), event.durationMs);
    case 'deploy': return world.deploy(clientName(event.client), event.app, event.units);
    case 'wait': return true;
  }
}

/** Schedules every event of the plan on the world's clock; returns when the last one is due. */
export function schedulePlan(world: World, plan: Plan): number {
  let end = 0;
  timeline(plan).forEach(({ at, event }, index) => {
    end = at;
    world.clock.after(at, () => {
      const applied = applyEvent(world, event);
      world.history.record({ type: 'event', index, event, applied });
    });
  });
  return end;
}

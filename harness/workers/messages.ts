/**
 * What the sim's worker threads and the main thread say to each other. The main thread sends an
 * exploration's config (once per worker) and, per survey, its options; then ranges of case
 * indexes, which a worker draws itself (case-drawer.ts) and runs. A worker answers each range with
 * the little the main thread notes: per case only what it violated or could not judge (and its
 * coverage when asked), and the case itself only where it may be a property's first violation.
 */
import type { ControllerProfile } from '../controller/profile.ts';
import { clientProfile } from '../clients/profiles.ts';
import type { Coverage } from '../coverage.ts';
import type { ExploreOptions } from '../explore-result.ts';
import type { RunConfig } from '../run-config.ts';
import type { Scenario } from '../scenario.ts';
import type { Case } from '../strategies/index.ts';
import type { PropertyName, UnknownResult } from '../../properties/index.ts';

/** A RunConfig as data: the client profile travels by name (it holds code). */
export interface ShippedConfig {
  scenario: Scenario;
  controller: ControllerProfile;
  client: string;
  properties: readonly PropertyName[];
}

/** An exploration's options as data: all but the callbacks and the signal, which stay on the
 *  main thread. The worker builds the same case source (strategy, plan options, seed, runs), case
 *  options (determinism check, coverage) and shard from them. */
export type ShippedOptions = Omit<ExploreOptions, 'signal' | 'onProgress' | 'onStatus'>;

export type ToWorker =
  | { kind: 'config'; id: number; config: ShippedConfig }
  | { kind: 'survey'; id: number; config: number; options: ShippedOptions }
  /** Run this shard's cases at indexes from (inclusive) to (exclusive) of the survey. */
  | { kind: 'range'; seq: number; survey: number; from: number; to: number }
  | { kind: 'end'; survey: number };

/** A case of a range with something to note; the others violated nothing and judged everything. */
export interface NotableCase {
  index: number;
  violated: PropertyName[];
  unknown: UnknownResult[];
  coverage?: Coverage;
  /** The case, when it is the first of its range to violate one of its properties: no other case
   *  of the range can be that property's first violation of the whole exploration. */
  case?: Case;
}

/** A range's answer: how many of this shard's cases it ran (in case order), the notable ones;
 *  when a case threw (a harness bug, a failed determinism check), the count stops before it and
 *  the error says why. */
export interface RangeAnswer {
  seq: number;
  ran: number;
  notable: NotableCase[];
  error?: WorkerError;
}

export interface WorkerError {
  name: string;
  message: string;
  stack?: string;
}

/** The config as data, or undefined when a worker could not rebuild it (a client profile that
 *  is not a built-in one, or a controller model variant: a test's or the bench's own): such
 *  configs run in-process. */
export function shipConfig(config: RunConfig): ShippedConfig | undefined {
  if (clientProfile(config.client.name) !== config.client || config.model) return undefined;
  return {
    scenario: config.scenario,
    controller: config.controller,
    client: config.client.name,
    properties: config.properties,
  };
}

export function unshipConfig(shipped: ShippedConfig): RunConfig {
  const client = clientProfile(shipped.client);
  if (!client) throw new Error(`no client profile named ${shipped.client}`);
  return { scenario: shipped.scenario, controller: shipped.controller, client, properties: shipped.properties };
}

export function shipOptions(options: ExploreOptions): ShippedOptions {
  const { signal: _signal, onProgress: _onProgress, onStatus: _onStatus, ...data } = options;
  return data;
}

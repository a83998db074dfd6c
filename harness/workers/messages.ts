/**
 * What the sim's worker threads and the main thread say to each other: an exploration's config
 * (once per worker), batches of cases as JSON (cheaper to send than structured clones, and plans
 * are JSON data: failure files store them the same way), and per case its outcome (runner.ts).
 */
import type { ControllerProfile } from '../controller/profile.ts';
import { clientProfile } from '../clients/profiles.ts';
import type { RunConfig } from '../run-config.ts';
import type { CaseOptions, CaseOutcome } from '../runner.ts';
import type { Scenario } from '../scenario.ts';
import type { PropertyName } from '../../properties/index.ts';

/** A RunConfig as data: the client profile travels by name (it holds code). */
export interface ShippedConfig {
  scenario: Scenario;
  controller: ControllerProfile;
  client: string;
  properties: readonly PropertyName[];
}

export type ToWorker =
  | { kind: 'config'; id: number; config: ShippedConfig }
  | { kind: 'batch'; seq: number; config: number; options: CaseOptions; casesJson: string };

/** A batch's answer: each case's outcome; when a case threw (a harness bug, or a failed
 *  determinism check), the outcomes of the cases before it, and its error. */
export interface FromWorker {
  seq: number;
  outcomes: CaseOutcome[];
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

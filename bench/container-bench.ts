/**
 * The container target's figures (issue 12): how long building the controller image takes (a
 * build measured under a throwaway tag, and the cached look-up every later run pays), how long the
 * first container takes to serve, and runs per minute on juju-1.24-gated-api at the target's
 * default concurrency, with how many of those runs violated a property the scenario claims.
 */
import fc from 'fast-check';
import { caseArbitrary } from '../harness/case-params.ts';
import { Limiter } from '../harness/limiter.ts';
import { resolveRun } from '../harness/run-config.ts';
import { judgeRun } from '../harness/runner.ts';
import { createContainerTarget } from '../harness/targets/container/index.ts';
import { controllerImage } from '../harness/targets/container/image.ts';
import { scenarioByName } from '../scenarios/index.ts';

export interface ContainerFigures {
  /** A fresh `docker import` of the image (ms). */
  buildMs: number;
  /** Finding the image already built, as every run after the first does (ms). */
  cachedMs: number;
  /** From asking testcontainers for a container to its server's ready line (ms). */
  firstStartMs: number;
  scenario: string;
  runs: number;
  concurrency: number;
  runsPerMinute: number;
  /** Runs in which a claimed property was violated (the gated scenario claims them all held). */
  violatedRuns: number;
}

export const CONTAINER_SCENARIO = 'juju-1.24-gated-api';

/** `concurrency`: runs in flight (default the target's own default, 16 per core). */
export async function containerFigures(runs: number, concurrency?: number, seed = 1): Promise<ContainerFigures> {
  const build = await controllerImage({ measureBuild: true });
  const cached = await controllerImage();
  const startAt = performance.now();
  const target = await createContainerTarget({ image: cached.name });
  const firstStartMs = Math.round(performance.now() - startAt);
  try {
    const config = resolveRun(scenarioByName(CONTAINER_SCENARIO)!);
    const cases = fc.sample(caseArbitrary(config, {}), { numRuns: runs, seed });
    const limiter = new Limiter(concurrency ?? target.defaultConcurrency);
    const start = performance.now();
    const judged = await Promise.all(
      cases.map(([plan, simSeed]) =>
        limiter.run(async () => judgeRun(await target.run(config, plan, simSeed), config.properties)),
      ),
    );
    const minutes = (performance.now() - start) / 60_000;
    return {
      buildMs: build.ms,
      cachedMs: cached.ms,
      firstStartMs,
      scenario: CONTAINER_SCENARIO,
      runs,
      concurrency: limiter.limit,
      runsPerMinute: Math.round(runs / minutes),
      violatedRuns: judged.filter((r) => r.violations.length > 0).length,
    };
  } finally {
    await target.close();
  }
}

export function formatContainerFigures(f: ContainerFigures): string {
  return (
    `Container target: image build ${(f.buildMs / 1000).toFixed(1)} s (cached look-up ${(f.cachedMs / 1000).toFixed(1)} s), ` +
    `first container serving in ${(f.firstStartMs / 1000).toFixed(1)} s, ${f.runsPerMinute} runs/min on ${f.scenario} ` +
    `(${f.runs} runs, ${f.concurrency} in flight; ${f.violatedRuns} violated a claimed property).`
  );
}

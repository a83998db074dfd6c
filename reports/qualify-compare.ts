/**
 * Two controller profiles side by side, the way Juju's industrial tests compared an old release
 * with a new one: for each scenario (its client and event mix, run once against each controller)
 * and each property it claims, how many runs failed on the old controller, how many on the new
 * one, and how many attempts each had. A property the old controller never failed and the new one
 * does is a regression; the comparison's verdict is "fail" when there is one.
 */
import type { ExploreResult } from '../harness/explore-result.ts';
import type { PropertyName } from '../properties/property.ts';

export interface ComparedProperty {
  property: PropertyName;
  oldFailures: number;
  newFailures: number;
  attempts: number;
}

export interface ComparedScenario {
  name: string;
  target: string;
  properties: ComparedProperty[];
}

export interface CompareReport {
  verdict: 'pass' | 'fail';
  old: string;
  new: string;
  target: string;
  seed: number;
  scenarios: ComparedScenario[];
}

export interface CompareJson {
  verdict: 'pass' | 'fail';
  old: string;
  new: string;
  scenarios: {
    name: string;
    target: string;
    properties: Record<string, { old: number; new: number; attempts: number }>;
  }[];
}

/** Both explorations use the same seed, so each attempt plays the same plan on both controllers. */
export function compareScenario(name: string, older: ExploreResult, newer: ExploreResult): ComparedScenario {
  return {
    name,
    target: newer.target,
    properties: older.properties.map((o) => ({
      property: o.property,
      oldFailures: o.violatingRuns ?? 0,
      newFailures: newer.properties.find((n) => n.property === o.property)?.violatingRuns ?? 0,
      attempts: Math.min(older.runs, newer.runs),
    })),
  };
}

export function isRegression(p: ComparedProperty): boolean {
  return p.oldFailures === 0 && p.newFailures > 0;
}

export function compareVerdict(scenarios: readonly ComparedScenario[]): 'pass' | 'fail' {
  return scenarios.some((s) => s.properties.some(isRegression)) ? 'fail' : 'pass';
}

export function compareJson(report: CompareReport): CompareJson {
  return {
    verdict: report.verdict,
    old: report.old,
    new: report.new,
    scenarios: report.scenarios.map((s) => ({
      name: s.name,
      target: s.target,
      properties: Object.fromEntries(
        s.properties.map((p) => [p.property, { old: p.oldFailures, new: p.newFailures, attempts: p.attempts }]),
      ),
    })),
  };
}

export function formatCompare(report: CompareReport): string {
  const nameWidth = Math.max(8, ...report.scenarios.map((s) => s.name.length)) + 2;
  const header =
    'scenario'.padEnd(nameWidth) +
    'property'.padEnd(24) +
    'old failures'.padStart(14) +
    'new failures'.padStart(14) +
    'attempts'.padStart(10);
  const lines = [
    `${report.old} (old) against ${report.new} (new) on ${report.target}, seed ${report.seed}: failing runs out of the same attempts`,
    '',
    header,
  ];
  for (const s of report.scenarios) {
    s.properties.forEach((p, i) => {
      const mark = isRegression(p) ? '  ✗ regression' : p.newFailures === 0 && p.oldFailures > 0 ? '  ✓ fixed' : '';
      lines.push(
        (i === 0 ? s.name : '').padEnd(nameWidth) +
          p.property.padEnd(24) +
          String(p.oldFailures).padStart(14) +
          String(p.newFailures).padStart(14) +
          String(p.attempts).padStart(10) +
          mark,
      );
    });
  }
  const regressions = report.scenarios.flatMap((s) => s.properties.filter(isRegression));
  lines.push(
    '',
    regressions.length === 0
      ? `PASS: ${report.new} fails nothing that ${report.old} did not.`
      : `FAIL: ${regressions.length} regression(s): properties ${report.new} violates and ${report.old} never did.`,
  );
  return lines.join('\n');
}

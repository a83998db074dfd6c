/**
 * Import rules of DESIGN.md, checked on every `npm test`: no circle of imports (type-only edges
 * included), and nothing imports "upward".
 */
import { describe, expect, it } from 'vitest';
import { importCircles, projectImportGraph, type ImportGraph } from './import-graph.ts';

const graph = projectImportGraph();

/** Edges from modules under `from` into modules under any of `forbidden`. */
function edgesInto(g: ImportGraph, from: string, forbidden: readonly string[]): string[] {
  const edges: string[] = [];
  for (const [module, imports] of g) {
    if (!module.startsWith(from)) continue;
    for (const target of imports) if (forbidden.some((f) => target.startsWith(f))) edges.push(`${module} -> ${target}`);
  }
  return edges;
}

describe('imports', () => {
  it('reads the whole project', () => {
    expect(graph.size).toBeGreaterThan(100);
    expect(graph.get('harness/controller/controller.ts')).toContain('harness/controller/api.ts');
  });

  it('have no circle', () => {
    expect(importCircles(graph).map((c) => c.join(' -> '))).toEqual([]);
  });

  it('finds a circle when there is one (type-only edges count)', () => {
    const g: ImportGraph = new Map(graph);
    g.set('harness/errors.ts', ['harness/cli/main.ts']);
    const circles = importCircles(g);
    expect(circles.length).toBe(1);
    expect(circles[0]?.[0]).toBe(circles[0]?.at(-1));
    expect(circles[0]).toContain('harness/errors.ts');
  });

  it('keeps harness/errors.ts a leaf', () => {
    expect(graph.get('harness/errors.ts')).toEqual([]);
  });

  it('keeps properties to the history: no target, wire, client, CLI or fault code', () => {
    const upward = ['harness/targets/', 'harness/wire/', 'harness/clients/', 'harness/cli/', 'harness/faults/'];
    expect(edgesInto(graph, 'properties/', [...upward, 'reports/', 'scenarios/'])).toEqual([]);
  });

  it('keeps the controller model free of wire, target, client and CLI code', () => {
    const upward = ['harness/wire/', 'harness/targets/', 'harness/clients/', 'harness/cli/', 'harness/faults/'];
    expect(edgesInto(graph, 'harness/controller/', upward)).toEqual([]);
  });
});

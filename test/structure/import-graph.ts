/**
 * The import graph of the project's own sources, read with TypeScript's own pre-processor, so
 * `import type`, `export ... from` and `import()` edges all count: a type-only circle costs nothing
 * at run time but still means neither file can be read or tested alone.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

export const ROOT = resolve(import.meta.dirname, '../..');
export const SOURCE_DIRS = ['harness', 'properties', 'reports', 'scenarios'];

/** Module (path relative to the repository root) -> the project modules it imports. */
export type ImportGraph = Map<string, string[]>;

export function projectImportGraph(dirs: readonly string[] = SOURCE_DIRS): ImportGraph {
  const graph: ImportGraph = new Map();
  for (const file of dirs.flatMap((d) => tsFiles(join(ROOT, d)))) {
    const from = relative(ROOT, file);
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = importedFiles
      .map((f) => f.fileName)
      .filter((name) => name.startsWith('.'))
      .map((name) => relative(ROOT, resolve(dirname(file), name)));
    graph.set(from, [...new Set(targets)]);
  }
  return graph;
}

/** Every circle of imports, each as the modules along it (first repeated at the end). */
export function importCircles(graph: ImportGraph): string[][] {
  return stronglyConnected(graph)
    .filter((scc) => scc.length > 1 || (graph.get(scc[0] as string) ?? []).includes(scc[0] as string))
    .map((scc) => circleThrough(graph, new Set(scc), scc[0] as string));
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return tsFiles(path);
    return e.name.endsWith('.ts') ? [path] : [];
  });
}

/** Tarjan's algorithm, iterative enough for a few hundred modules. */
function stronglyConnected(graph: ImportGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const result: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
      }
    }
    if (low.get(v) !== index.get(v)) return;
    const scc: string[] = [];
    let w: string;
    do {
      w = stack.pop() as string;
      onStack.delete(w);
      scc.push(w);
    } while (w !== v);
    result.push(scc);
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return result;
}

/** One concrete circle inside a strongly connected set, found by breadth-first search back to `start`. */
function circleThrough(graph: ImportGraph, members: Set<string>, start: string): string[] {
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift() as string;
    for (const w of graph.get(v) ?? []) {
      if (!members.has(w)) continue;
      if (w === start) {
        const path = [v];
        while (path[0] !== start) path.unshift(previous.get(path[0] as string) as string);
        return [...path, start];
      }
      if (!previous.has(w)) {
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}

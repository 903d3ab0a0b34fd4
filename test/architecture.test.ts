import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Static imports (value and type) of each file, as src-relative paths; dynamic import() is a deliberate lazy edge and not counted. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, 'utf8');
    const targets: string[] = [];
    for (const match of text.matchAll(/^\s*(?:import|export)\s[^;]*?\sfrom\s+'(\.[^']+)'/gms)) {
      const target = resolve(dirname(file), match[1]).replace(/\.js$/, '.ts');
      const found = [target, target.replace(/\.ts$/, '.tsx')].find((candidate) => {
        try {
          return statSync(candidate).isFile();
        } catch {
          return false;
        }
      });
      if (found) targets.push(relative(SRC, found));
    }
    graph.set(relative(SRC, file), targets);
  }
  return graph;
}

function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  return found;
}

const folderOf = (path: string) => path.split('/')[0];

describe('the layout of src/', () => {
  const graph = importGraph();

  it('has no import cycle', () => {
    expect(cycles(graph).map((cycle) => cycle.join(' -> '))).toEqual([]);
  });

  it.each([
    ['ingest', 'retrieve'],
    ['generate', 'ingest'],
    ['search-index', 'ingest'],
    ['search-index', 'retrieve'],
    ['retrieve', 'ingest'],
  ])('%s does not import %s', (from, to) => {
    const offending = [...graph].flatMap(([file, targets]) => (folderOf(file) === from ? targets.filter((t) => folderOf(t) === to).map((t) => `${file} -> ${t}`) : []));
    expect(offending).toEqual([]);
  });
});

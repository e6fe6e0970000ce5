import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';

/**
 * The layout of src/ is the architecture (README "Architecture"): each folder has one role, and
 * imports only run down this list, from a role to the ones it uses. A new folder needs its place
 * here; an import that runs back up fails with the file and line to look at.
 */
const LAYERS: string[][] = [
  // The module wiring, its start/stop order, and the public testing harness: they may use anything.
  ['(root module)', 'lifecycle', 'testing'],
  // Schedules submit through the manager, whose public API fronts them: one role in two rooms.
  ['manager', 'schedules'],
  ['receiver'],
  ['executor'],
  // Retention prunes under the failover scan's kind of cluster lock.
  ['failover', 'retention'],
  ['task-log'],
  ['progress'],
  ['cluster'],
  ['factories'],
  ['decorators'],
  ['policies'],
  ['queue'],
  ['persistence'],
  ['redis'],
  ['config'],
  ['interfaces'],
  ['task'],
  ['entities', 'migrations'],
  ['errors'],
  ['enums'],
  ['util'],
  // Constants and the messages of the library: used by every layer, using none.
  ['(root leaves)'],
];
/** The files src/ itself holds; everything else lives in a folder named for its role. */
const ROOT_LEAVES = ['async-task.constants.ts', 'async-task.messages.ts'];
const MAX_ROOT_FILES = 6;

const src = join(dirname(fileURLToPath(import.meta.url)), '..', 'src');

function layerOf(file: string): string {
  const parts = relative(src, file).replace(/\.js$/, '.ts').split(sep);
  if (parts.length > 1) return parts[0];
  return ROOT_LEAVES.includes(parts[0]) ? '(root leaves)' : '(root module)';
}

function rank(layer: string): number {
  return LAYERS.findIndex((layers) => layers.includes(layer));
}

function sourceFiles(): string[] {
  return readdirSync(src, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.spec.ts'))
    .map((file) => join(src, file));
}

describe('library layout', () => {
  it(`keeps at most ${MAX_ROOT_FILES} files at the root of src/`, () => {
    const rootFiles = readdirSync(src, { withFileTypes: true }).filter((entry) => entry.isFile()).map((entry) => entry.name);
    expect(rootFiles.length).toBeLessThanOrEqual(MAX_ROOT_FILES);
  });

  it('gives every folder of src/ a place in the layer map', () => {
    const folders = readdirSync(src, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
    expect(folders.filter((folder) => rank(folder) < 0)).toEqual([]);
  });

  it('imports only down the layers, never back up to a role that uses this one', () => {
    const upward: string[] = [];
    for (const file of sourceFiles()) {
      const from = layerOf(file);
      const lines = readFileSync(file, 'utf8').split('\n');
      lines.forEach((line, index) => {
        const specifier = /^(?:import|export)\b.*from '(\.[^']+)'/.exec(line)?.[1];
        if (!specifier) return;
        const to = layerOf(normalize(join(dirname(file), specifier)));
        if (to !== from && rank(to) < rank(from)) upward.push(`${relative(src, file)}:${index + 1} (${from}) imports ${specifier} (${to})`);
      });
    }
    expect(upward).toEqual([]);
  });
});

import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** bench/results/ of the repository (gitignored), whether run from the sources' dist/ or not. */
const RESULTS_DIR = fileURLToPath(new URL('../../../bench/results/', import.meta.url));

/** Saves a run's figures as JSON and its printed report as Markdown: bench/results/<name>-<time>.{json,md}. */
export async function saveResult(name: string, startedAt: string, result: unknown, report: string): Promise<void> {
  await mkdir(RESULTS_DIR, { recursive: true });
  const file = `${RESULTS_DIR}${name}-${startedAt.replace(/[:.]/g, '-')}`;
  await writeFile(`${file}.json`, JSON.stringify(result, null, 2));
  await writeFile(`${file}.md`, `${report}\n`);
  console.error(`Saved ${file}.json`);
}

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * apps/server/public, whether this code runs from the sources (tests) or from dist/ (npm start):
 * the static files are not compiled, so the built server reads them from the source tree.
 */
export function assetsDir(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const candidates = [new URL('../../public/', import.meta.url), new URL('../../../../../apps/server/public/', import.meta.url)].map((url) => fileURLToPath(url));
  const found = candidates.find((dir) => existsSync(`${dir}index.html`));
  if (!found) throw new Error(`The dashboard's files (apps/server/public) were not found from ${here}`);
  return found;
}

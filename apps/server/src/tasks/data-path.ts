import { isAbsolute, relative, resolve, sep } from 'node:path';

/**
 * Resolves a file name given in task params (e.g. `clips/holiday.mp4`) inside the data folder, and
 * refuses any name that would land outside it (`..`, absolute paths) or is not a plain file name.
 */
export function resolveDataPath(dataDir: string, name: unknown, what: string): string {
  if (typeof name !== 'string' || name.length === 0 || name.length > 255) {
    throw new Error(`${what} must be a file name of 1–255 characters inside the data folder`);
  }
  if (!/^[A-Za-z0-9._\-/ ]+$/.test(name)) throw new Error(`${what} "${name}" may only use letters, digits, space, . _ - and /`);
  const target = resolve(dataDir, name);
  const inside = relative(dataDir, target);
  if (isAbsolute(name) || inside === '' || inside.startsWith(`..${sep}`) || inside === '..' || name.split('/').includes('..')) {
    throw new Error(`${what} "${name}" escapes the data folder`);
  }
  return target;
}

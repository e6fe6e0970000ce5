// Builds the package into dist/: a clean tsc run, then the files tsc does not emit (the heartbeat
// runs in a worker thread from a plain .cjs file that must sit beside the compiled code).
import { execFileSync } from 'node:child_process';
import { cpSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

rmSync(join(root, 'dist'), { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });

for (const file of readdirSync(join(root, 'src'), { recursive: true, encoding: 'utf8' })) {
  if (file.endsWith('.cjs')) cpSync(join(root, 'src', file), join(root, 'dist', file));
}
console.log(`@sfc/async-task built into ${relative(process.cwd(), join(root, 'dist')) || '.'}`);

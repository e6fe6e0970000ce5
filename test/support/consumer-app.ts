import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const REPO = fileURLToPath(new URL('../..', import.meta.url));
const PACKAGE_DIR = join(REPO, 'libs/async-task');
const FIXTURE = join(REPO, 'test/consumer-app');

/** The install line of the package README (the one a newcomer copies), e.g. `npm install @sfc/async-task …`. */
export function readmeInstallLine(): string {
  const line = readFileSync(join(PACKAGE_DIR, 'README.md'), 'utf8')
    .split('\n')
    .find((text) => text.startsWith('npm install @sfc/async-task'));
  if (!line) throw new Error('libs/async-task/README.md has no line starting with "npm install @sfc/async-task"');
  return line.trim();
}

/** Packs the built library as `npm publish` would and returns the tarball's path. */
export async function packLibrary(destination: string): Promise<string> {
  if (!existsSync(join(PACKAGE_DIR, 'dist/index.js'))) throw new Error('libs/async-task/dist is missing: run `npm run build` first');
  const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', destination], { cwd: PACKAGE_DIR });
  const [packed] = JSON.parse(stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
  return join(destination, packed.filename);
}

/** The files a tarball holds (paths inside `package/`). */
export async function tarballFiles(tarball: string): Promise<string[]> {
  const { stdout } = await run('tar', ['-tzf', tarball]);
  return stdout.split('\n').filter(Boolean).map((path) => path.replace(/^package\//, ''));
}

/** A copy of the fixture app in `directory`, with the README's install line run in it (tarball for the name). */
export async function installConsumerApp(directory: string, tarball: string): Promise<void> {
  cpSync(FIXTURE, directory, { recursive: true, filter: (source) => !/node_modules|dist/.test(source.slice(FIXTURE.length)) });
  const line = readmeInstallLine().replace('@sfc/async-task', tarball);
  await run('sh', ['-c', `${line} --no-audit --no-fund`], { cwd: directory, maxBuffer: 16 * 1024 * 1024 });
}

/** The same sources as a CommonJS app (no "type": "module") in `<app>/cjs`, sharing the app's node_modules. */
export function addCommonJsVariant(app: string): string {
  const cjs = join(app, 'cjs');
  mkdirSync(cjs);
  cpSync(join(app, 'src'), join(cjs, 'src'), { recursive: true });
  writeFileSync(join(cjs, 'package.json'), JSON.stringify({ name: 'consumer-app-cjs', private: true, type: 'commonjs' }, null, 2));
  const tsconfig = JSON.parse(readFileSync(join(app, 'tsconfig.json'), 'utf8'));
  writeFileSync(join(cjs, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
  return cjs;
}

/** Compiles an app with its own TypeScript (tsc), as `nest build` would. */
export async function compile(app: string, typescriptFrom = app): Promise<void> {
  await run(process.execPath, [join(typescriptFrom, 'node_modules/typescript/bin/tsc'), '-p', join(app, 'tsconfig.json')], { cwd: app });
}

export async function runScript(app: string, script: string): Promise<string> {
  const { stdout } = await run(process.execPath, [join(app, script)], { cwd: app });
  return stdout;
}

/** A started app: its base URL once it printed that it listens, and everything it printed. */
export interface RunningApp {
  url: string;
  output: () => string;
  process: ChildProcess;
  /** SIGTERM, then how it ended: Nest's shutdown hooks run, then it re-raises the signal. */
  stop(): Promise<string>;
}

export function startApp(app: string, env: Record<string, string>, timeoutMs = 60_000): Promise<RunningApp> {
  const child = spawn(process.execPath, [join(app, 'dist/src/main.js')], { cwd: app, env: { ...process.env, ...env, PORT: '0' } });
  let output = '';
  const stop = () =>
    new Promise<string>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve(String(child.exitCode ?? child.signalCode));
      child.once('exit', (code, signal) => resolve(String(code ?? signal)));
      child.kill('SIGTERM');
    });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => (void stop(), reject(new Error(`app did not listen within ${timeoutMs} ms:\n${output}`))), timeoutMs);
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      const listening = /consumer-app listening on (http:\/\/\S+)/.exec(output);
      if (listening) {
        clearTimeout(timer);
        resolve({ url: listening[1]!.replace('[::1]', '127.0.0.1'), output: () => output, process: child, stop });
      }
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('exit', (code) => (clearTimeout(timer), reject(new Error(`app exited with ${code} before listening:\n${output}`))));
  });
}

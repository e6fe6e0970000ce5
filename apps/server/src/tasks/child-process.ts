import { spawn } from 'node:child_process';
import type { Writable } from 'node:stream';

export interface RunOptions {
  /** Working folder of the process. */
  cwd?: string;
  /** Aborting kills the process with SIGKILL; the promise settles only once it has exited. */
  signal: AbortSignal;
  onStdout?: (text: string) => void;
  /** Where stderr goes as it comes (e.g. the task log). */
  stderr?: Writable;
}

/**
 * Runs a program to its end and resolves with its stdout. Rejects when it exits non-zero (with the
 * tail of its stderr) or when the signal aborts — and in both cases only after the process is gone,
 * so an interrupted task never leaves a child behind.
 */
export function runProcess(command: string, args: string[], options: RunOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    options.signal.throwIfAborted();
    const child = spawn(command, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderrTail = '';
    const kill = () => child.kill('SIGKILL');
    options.signal.addEventListener('abort', kill, { once: true });
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      if (options.onStdout) options.onStdout(text);
      else stdout += text;
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderrTail = (stderrTail + text).slice(-2000);
      options.stderr?.write(text);
    });
    child.on('error', (error) => {
      options.signal.removeEventListener('abort', kill);
      reject(new Error(`Could not run ${command}: ${error.message}`));
    });
    child.on('close', (code, killedBy) => {
      options.signal.removeEventListener('abort', kill);
      if (options.signal.aborted) reject(options.signal.reason);
      else if (code === 0) resolve(stdout);
      else reject(new Error(`${command} exited with ${code ?? killedBy}: ${stderrTail.trim().split('\n').slice(-3).join(' | ')}`));
    });
  });
}

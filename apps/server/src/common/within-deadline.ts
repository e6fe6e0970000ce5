import { ServiceUnavailableException } from '@nestjs/common';

/** How long a request waits for Redis or MySQL before it answers 503 (the library's own calls wait for Redis to come back). */
export const SERVICE_DEADLINE_MS = 3000;

/** `work`, or a 503 naming `what` when it takes longer than `ms` (the work itself is left to finish or fail). */
export async function withinDeadline<T>(what: string, work: Promise<T>, ms = SERVICE_DEADLINE_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  work.catch(() => {}); // a late failure, after the 503, must not be unhandled
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new ServiceUnavailableException(`${what} did not answer within ${ms} ms; try again shortly`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

import { join } from 'node:path';

/**
 * Each user's files live in a folder of their own under DATA_DIR, named by their uid: sample tasks
 * read and write only there, so no user can overwrite or transcode another's files.
 */
export function userFolder(dataDir: string, uid: string | null | undefined): string {
  // Same shape TOKENS allows for a uid: never "." or "..", never a path.
  if (typeof uid !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/.test(uid)) {
    throw new Error('This task has no owner whose folder it could use; submit it through the API');
  }
  return join(dataDir, uid);
}

import { randomBytes } from 'node:crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const RANDOM_BYTES_PER_ID = 10;
/** Random bytes drawn ahead for many ids: one call to the CSPRNG per 400 ids instead of one per id. */
const POOL_SIZE = RANDOM_BYTES_PER_ID * 400;
let pool = Buffer.alloc(0);
let poolOffset = 0;

function nextRandomBytes(): Buffer {
  if (poolOffset + RANDOM_BYTES_PER_ID > pool.length) {
    pool = randomBytes(POOL_SIZE);
    poolOffset = 0;
  }
  poolOffset += RANDOM_BYTES_PER_ID;
  return pool.subarray(poolOffset - RANDOM_BYTES_PER_ID, poolOffset);
}

/**
 * A ULID-shaped id: 48 bits of milliseconds then 80 random bits, 26 characters. Sorts by creation
 * time (good for the primary key index) and needs no coordination between nodes.
 */
export function newTaskId(now = Date.now()): string {
  let time = now;
  let head = '';
  for (let i = 0; i < 10; i++) {
    head = CROCKFORD[time % 32] + head;
    time = Math.floor(time / 32);
  }
  const random = nextRandomBytes();
  let tail = '';
  // 80 random bits = 16 characters of 5 bits.
  let buffer = 0;
  let bits = 0;
  for (const byte of random) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      tail += CROCKFORD[(buffer >> bits) & 31];
    }
    buffer &= (1 << bits) - 1;
  }
  return head + tail;
}

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

let lastTime = -1;
const lastRandom = Buffer.alloc(RANDOM_BYTES_PER_ID);

/**
 * The random part of the next id: fresh in a new millisecond; within the same millisecond (or if the
 * clock went back) the previous one plus 1, as ULID's monotonic mode does — so ids made in one process
 * sort in the order they were made, and "newest first" lists keep that order for tasks of one ms.
 */
function nextRandom(now: number): { time: number; random: Buffer } {
  if (now > lastTime) {
    lastTime = now;
    nextRandomBytes().copy(lastRandom);
  } else {
    for (let i = lastRandom.length - 1; i >= 0; i--) {
      lastRandom[i] = (lastRandom[i]! + 1) & 0xff;
      if (lastRandom[i] !== 0) break;
    }
  }
  return { time: lastTime, random: lastRandom };
}

/**
 * A ULID-shaped id: 48 bits of milliseconds then 80 random bits, 26 characters. Sorts by creation
 * time (good for the primary key index) and needs no coordination between nodes.
 */
export function newTaskId(now = Date.now()): string {
  const { time: idTime, random } = nextRandom(now);
  let time = idTime;
  let head = '';
  for (let i = 0; i < 10; i++) {
    head = CROCKFORD[time % 32] + head;
    time = Math.floor(time / 32);
  }
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

import { asyncTask, handWritten, rawBullmq, type Contender } from './contenders.js';
import { graphileWorker, pgBoss } from './peer-contenders.js';

/** Every contender, in the order a repeat runs them (repeats are interleaved: 1, 2, …, 1, 2, …). */
export const CONTENDERS: Contender[] = [
  rawBullmq(1),
  rawBullmq(2),
  handWritten,
  graphileWorker(false),
  graphileWorker(true),
  pgBoss(false),
  pgBoss(true),
  asyncTask(1),
  asyncTask(1, { bulk: true }),
  asyncTask(2),
  asyncTask(2, { deployment: 'cluster' }),
];

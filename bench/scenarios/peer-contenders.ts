import { makeWorkerUtils } from 'graphile-worker';
import { PgBoss } from 'pg-boss';
import { PEER_TASK } from '../nodes/node-protocol.js';
import { benchConfig } from '../support/bench-config.js';
import type { PostgresBenchDatabase } from '../support/postgres-database.js';
import { type Contender, latenciesFromNodes, progressFromNodes, type RunDatabase } from './contenders.js';

/**
 * The peers a user would pick instead of us, on the local PostgreSQL: graphile-worker and pg-boss,
 * each submitted to one job per call and in bulk (graphile-worker `addJobs`, pg-boss `insert`). Their
 * nodes count what they ran (graphile-worker deletes a job once done). The parent's pool holds one
 * connection per concurrent submitter, plus two.
 */
function postgres(database: RunDatabase): PostgresBenchDatabase {
  if ('dataSource' in database) throw new Error('This contender runs on PostgreSQL');
  return database;
}

const submitterPoolSize = () => benchConfig().submitters + 2;

export function graphileWorker(bulk: boolean): Contender {
  return {
    id: bulk ? 'graphile-worker-bulk' : 'graphile-worker',
    label: `4. graphile-worker 0.18 (PostgreSQL), ${bulk ? 'bulk addJobs' : 'addJob per task'}`,
    mode: 'graphile-worker',
    nodes: 1,
    database: 'postgres',
    bulk,
    async openSubmitter(_prefix, database) {
      const utils = await makeWorkerUtils({ connectionString: postgres(database).url, maxPoolSize: submitterPoolSize() });
      return {
        submit: async (name) => void (await utils.addJob(PEER_TASK, { name })),
        submitMany: async (name, count) =>
          void (await utils.addJobs(Array.from({ length: count }, () => ({ identifier: PEER_TASK, payload: { name } })))),
        progress: progressFromNodes,
        latenciesMs: latenciesFromNodes,
        close: async () => await utils.release(),
      };
    },
  };
}

export function pgBoss(bulk: boolean): Contender {
  return {
    id: bulk ? 'pg-boss-bulk' : 'pg-boss',
    label: `5. pg-boss 12.38 (PostgreSQL), ${bulk ? 'bulk insert' : 'send per task'}`,
    mode: 'pg-boss',
    nodes: 1,
    database: 'postgres',
    bulk,
    async openSubmitter(_prefix, database) {
      // A submitter only: no maintenance, no schedules, the node already installed the schema.
      const boss = new PgBoss({ connectionString: postgres(database).url, max: submitterPoolSize(), supervise: false, schedule: false, migrate: false });
      boss.on('error', (error) => console.error('pg-boss (submitter):', error));
      await boss.start();
      return {
        submit: async (name) => void (await boss.send(PEER_TASK, { name })),
        submitMany: async (name, count) => void (await boss.insert(PEER_TASK, Array.from({ length: count }, () => ({ data: { name } })))),
        progress: progressFromNodes,
        latenciesMs: latenciesFromNodes,
        close: () => boss.stop({ graceful: false }),
      };
    },
  };
}

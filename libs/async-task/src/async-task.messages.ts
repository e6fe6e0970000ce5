// Every user-facing error text lives here, so wording stays consistent and reviewable in one place.

export const messages = {
  taskNotFound: (id: string) => `Async task "${id}" was not found. Check the id returned by submitAsyncTask().`,
  invalidTask: (field: string, problem: string) => `Invalid async task: ${field} ${problem}.`,
  duplicateTaskId: (id: string) =>
    `An async task with id "${id}" already exists. Choose another id, or omit it to get a generated one.`,
  bulkSubmissionTooLarge: (what: 'tasks' | 'bytes of params', size: number, limit: number) =>
    `A bulk submission holds ${size} ${what}, more than the limit of ${limit}; nothing was saved. Split it into several submitAsyncTasks() calls.`,
  notQueuedYet: (id: string, problem: string) => `Task ${id} saved but not queued yet (${problem}); it will be republished`,
  bulkNotQueuedYet: (tasks: number, of: number, problem: string) =>
    `${tasks} of ${of} tasks of a bulk submission saved but not queued yet (${problem}); they will be republished`,
  duplicateTaskType: (type: string, first: string, second: string) =>
    `Two factories handle task type "${type}": ${first} and ${second}. Each task type must have exactly one factory per node.`,
  invalidFactory: (name: string, problem: string) => `Async task factory ${name} is invalid: ${problem}.`,
  invalidOption: (option: string, problem: string) => `Invalid AsyncTaskModule option "${option}": ${problem}.`,
  tooManyOfflineAttempts: (attempts: number, lastNode: string) =>
    `Task was lost with its node ${attempts} time(s) (last on node ${lastNode}); it is not retried again (option maxOfflineAttempts).`,
  factoryDependencyMissing: (dependency: string, index: number) =>
    `its constructor needs ${dependency} (argument ${index}), which no module of the app provides. Add it to a module's providers, or provide the factory itself in a module`,
  interruptedByUser: 'Interrupted by a user: the task ends CANCELLED.',
  stoppedHere: (reason: string) => `Stopped on this node: ${reason}.`,
  typeWithoutRunner: (type: string, nodes: number) =>
    `No live node can run task type "${type}" (${nodes} node(s) alive, none has a factory for it): its tasks wait in the queue until a node that registers "${type}" starts.`,
  setupProblem: (problem: string) => `@sfc/async-task cannot start: ${problem}`,
  entitiesNotRegistered:
    'the TypeORM DataSource does not know its entities. Add `autoLoadEntities: true` or `entities: [...ASYNC_TASK_ENTITIES]` to TypeOrmModule.forRoot().',
  tableNotReady: (table: string, detail: string) =>
    `the table "${table}" is missing or out of date (${detail}). Run the library's migrations: add \`migrations: [...ASYNC_TASK_MIGRATIONS], migrationsRun: true\` to TypeOrmModule.forRoot(), or run ASYNC_TASK_MIGRATIONS with your migration tool.`,
  redisUnreachable: (address: string, timeoutMs: number, detail: string) =>
    `Cannot reach Redis at ${address} within ${timeoutMs} ms (${detail}). Check the AsyncTaskModule "redis" option and that Redis is running.`,
  taskNotEnded: (id: string, status: string) =>
    `Async task "${id}" is ${status}; only an ended task (SUCCESS, FAILED or CANCELLED) can be rerun. Interrupt it first, or wait for its end.`,
  timedOut: (timeoutMs: number) => `timed out after ${timeoutMs} ms`,
  // Why an attempt started, in its log header (attempt 1 is always the first run). One line, short:
  // the failure's first line, at most 200 characters (the whole error is in the failed attempt's log).
  retryStart: (retry: number, of: number, delayMs: number, reason: string) =>
    `retry ${retry} of ${of} after ${(delayMs / 1000).toFixed(1)} s backoff: ${oneShortLine(reason, 200)}`,
  rerunStart: () => 'rerun',
  retryScheduled: (retry: number, of: number, delayMs: number) => `retry ${retry} of ${of} in ${(delayMs / 1000).toFixed(1)} s`,
  unknownFailure: () => 'failed without a message',
  failoverStart: () => 'after failover',
  // Problems of the `redis` option (completing "Invalid AsyncTaskModule option "redis": …").
  redisUrlScheme: (got: string) => `must be a redis://, rediss:// or redis-sentinel:// URL, got "${got}"`,
  redisSentinelUrl: (got: string) => `must look like redis-sentinel://host:26379[,host:26379…]/masterName, got "${got}"`,
  redisSentinelAddress: (address: string, got: string) => `has a bad Sentinel address "${address}" in "${got}"`,
  redisOptionKind: () => 'must be a URL string, ioredis options, { cluster: [...nodes] } or a function returning a connection',
  redisClusterNodes: () => 'cluster must be a non-empty list of nodes ("host:port", port or { host, port })',
  prefixShape: () =>
    'must be 1–64 letters, digits, ".", "_" or "-" (no ":" and no "{}": the library adds Redis Cluster hash tags itself), starting with a letter or digit',
  legacyTasksAdopted: (count: number) => `Took ${count} unfinished task(s) recorded before records named their cluster`,
  invalidSchedule: (field: string, problem: string) => `Invalid schedule: ${field} ${problem}.`,
  scheduleNotFound: (id: string) => `Schedule "${id}" was not found. Check the id given to upsertSchedule().`,
  scheduleFailed: (id: string, detail: string) => `Schedule "${id}" could not fire its tick (${detail}); the next poll tries again.`,
  schedulePollFailed: (detail: string) => `Could not read the due schedules (${detail}); the next poll tries again.`,
  pruneNotCounted: (detail: string) => `Could not count the rows retention deleted (${detail}); the metric stays low by that much.`,
  pruneFailed: (detail: string) => `Retention could not delete ended tasks (${detail}); the next run tries again.`,
} as const;

function oneShortLine(text: string, maxChars: number): string {
  const line = text.split('\n', 1)[0].trim();
  return line.length <= maxChars ? line : `${line.slice(0, maxChars - 1)}…`;
}

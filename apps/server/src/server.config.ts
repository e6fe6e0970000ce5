/** The reference server's settings, all from the environment (with development defaults). */
export interface ServerConfig {
  port: number;
  redisUrl: string;
  mysqlUrl: string;
  worker: boolean;
  prefix: string;
  /** Where sample tasks may write files (downloads, transcodes). */
  dataDir: string;
}

export function loadServerConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`PORT must be a TCP port number, got "${env.PORT}"`);
  return {
    port,
    redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    mysqlUrl: env.MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/async_task',
    worker: (env.WORKER ?? 'true') !== 'false',
    prefix: env.ASYNC_TASK_PREFIX ?? 'async-task',
    dataDir: env.DATA_DIR ?? '.data',
  };
}

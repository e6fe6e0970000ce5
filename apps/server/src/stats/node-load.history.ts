import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AsyncTaskManager } from '@sfc/async-task';

/** One look at the cluster: epoch ms (this server's clock) and each live node's load and budget. */
export interface NodeLoadSample {
  at: number;
  nodes: Array<{ nodeId: string; load: number; maxLoad: number }>;
}

/** How often the cluster's loads are sampled, and how long samples are kept (one hour). */
export const NODE_LOAD_SAMPLE_MS = 5000;
const KEPT_SAMPLES = (60 * 60 * 1000) / NODE_LOAD_SAMPLE_MS;

/**
 * Load per node over the last hour, for the dashboard's chart. Nodes report only their current
 * load (heartbeats), so this server samples the cluster's nodes every few seconds and keeps an
 * hour of samples in memory; a restarted server starts a new history.
 */
@Injectable()
export class NodeLoadHistory implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(NodeLoadHistory.name);
  private readonly samples: NodeLoadSample[] = [];
  private timer: NodeJS.Timeout | undefined;
  private sampling = false;

  constructor(private readonly manager: AsyncTaskManager) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sample(), NODE_LOAD_SAMPLE_MS);
    this.timer.unref();
    void this.sample();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The samples of the last hour, oldest first. */
  history(): readonly NodeLoadSample[] {
    return this.samples;
  }

  private async sample(): Promise<void> {
    if (this.sampling) return; // Redis is slow: skip a beat rather than pile up reads
    this.sampling = true;
    try {
      const nodes = await this.manager.listNodes();
      if (!this.timer) return;
      const workers = nodes.filter((node) => node.worker);
      this.samples.push({ at: Date.now(), nodes: workers.map(({ nodeId, load, maxLoad }) => ({ nodeId, load, maxLoad })) });
      if (this.samples.length > KEPT_SAMPLES) this.samples.splice(0, this.samples.length - KEPT_SAMPLES);
    } catch (error) {
      this.logger.warn(`Sampling the nodes' load failed: ${(error as Error).message}`);
    } finally {
      this.sampling = false;
    }
  }
}

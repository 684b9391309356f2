import { Bus } from '@tickflow/bus';
import { startTestCluster, streamLeader, type TestCluster } from '../nats-cluster.ts';
import type { VictimStats } from './processes.ts';

/**
 * The campaign's "broker" victim as a nats-server cluster (`--cluster <n>`): a kill is a SIGKILL of
 * the node leading TICKS (the one whose loss costs the most: an election before any tick is
 * stored), restarted at once on the same port and store. Same shape as Broker (processes.ts).
 */
export class ClusterBroker {
  readonly stats: VictimStats = { kills: 0, ownExits: 0, ownExitCodes: [] };
  up = true;
  /** The nodes killed, in order (n1, n3, ...). */
  readonly killed: string[] = [];

  private constructor(
    private readonly cluster: TestCluster,
    private readonly watch: Bus,
    readonly replicas: number,
  ) {}

  static async start(size: number): Promise<ClusterBroker> {
    const cluster = await startTestCluster(size);
    const watch = await Bus.connect({ url: cluster.urls, name: 'tickflow-chaos-watch' });
    return new ClusterBroker(cluster, watch, Math.min(size, 3));
  }

  /** The seed list every service gets. */
  get url(): string {
    return this.cluster.urls;
  }

  get storeDir(): string {
    return this.cluster.dir;
  }

  async killAndRestart(): Promise<void> {
    this.stats.kills++;
    this.up = false;
    const leader = await streamLeader(this.watch, 'TICKS');
    const victim = leader ?? this.cluster.nodes[this.stats.kills % this.cluster.nodes.length]?.name ?? 'n1';
    this.killed.push(victim);
    await this.cluster.kill(victim);
    await this.cluster.restart(victim);
    this.up = true;
  }

  async stop(): Promise<void> {
    await Promise.race([this.watch.drain().catch(() => {}), new Promise((r) => setTimeout(r, 2000))]);
    await this.cluster.stop();
  }
}

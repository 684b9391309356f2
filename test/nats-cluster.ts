import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bus, freePort, type NatsServerHandle, startNatsServer } from '@tickflow/bus';

/** One server of a test cluster: its name, ports and store are kept across kills. */
export interface ClusterNode {
  name: string;
  port: number;
  clusterPort: number;
  storeDir: string;
  handle: NatsServerHandle | undefined;
}

/**
 * A nats-server cluster on loopback for one suite: `size` servers (JetStream, routes to each
 * other on free ports, a temp store each, `server_name` n1..nN). `urls` is the seed list every
 * service gets (`--nats-url`). `kill` is a SIGKILL; `restart` brings a node back on the same port
 * and store. `stop()` stops them all and removes the directory.
 */
export interface TestCluster {
  nodes: ClusterNode[];
  /** `nats://127.0.0.1:p1,nats://127.0.0.1:p2,...` */
  urls: string;
  dir: string;
  node(name: string): ClusterNode;
  kill(name: string): Promise<void>;
  restart(name: string): Promise<void>;
  /** Resolves once JetStream answers through the seeds (a meta leader is elected). */
  waitForJetStream(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

const CLUSTER_NAME = 'tickflow-test';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function nodeConfig(node: ClusterNode, all: ClusterNode[]): string {
  const routes = all.map((n) => `    nats-route://127.0.0.1:${n.clusterPort}`).join('\n');
  return `server_name: ${node.name}
jetstream: enabled
cluster {
  name: ${CLUSTER_NAME}
  listen: 127.0.0.1:${node.clusterPort}
  routes: [
${routes}
  ]
}
`;
}

export async function startTestCluster(size = 3): Promise<TestCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'tickflow-cluster-'));
  const nodes: ClusterNode[] = [];
  for (let i = 1; i <= size; i++)
    nodes.push({
      name: `n${i}`,
      port: await freePort(),
      clusterPort: await freePort(),
      storeDir: join(dir, `n${i}`),
      handle: undefined,
    });
  const launch = async (node: ClusterNode) => {
    // The ports may linger a moment after a kill: try again rather than give up.
    for (let attempt = 1; ; attempt++) {
      try {
        node.handle = await startNatsServer({
          storeDir: node.storeDir,
          port: node.port,
          config: nodeConfig(node, nodes),
        });
        return;
      } catch (err) {
        if (attempt >= 10) throw err;
        await sleep(300);
      }
    }
  };
  await Promise.all(nodes.map(launch));
  const node = (name: string) => {
    const n = nodes.find((x) => x.name === name);
    if (!n) throw new Error(`no node ${name} in the test cluster`);
    return n;
  };
  const cluster: TestCluster = {
    nodes,
    urls: nodes.map((n) => `nats://127.0.0.1:${n.port}`).join(','),
    dir,
    node,
    async kill(name) {
      const p = node(name).handle?.process;
      if (!p || p.exitCode !== null || p.signalCode !== null) return;
      const exited = new Promise<void>((r) => p.once('exit', () => r()));
      p.kill('SIGKILL');
      await exited;
    },
    restart: (name) => launch(node(name)),
    async waitForJetStream(timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        try {
          // Bus.connect asks $JS.API.INFO: it answers only once the cluster has a meta leader.
          const bus = await Bus.connect({ url: cluster.urls, name: 'cluster-wait', connectTimeoutMs: 2000 });
          await bus.drain();
          return;
        } catch (err) {
          if (Date.now() > deadline)
            throw new Error(`no JetStream in the test cluster after ${timeoutMs} ms`, { cause: err });
          await sleep(250);
        }
      }
    },
    async stop() {
      await Promise.all(nodes.map((n) => n.handle?.stop()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await cluster.waitForJetStream();
  return cluster;
}

/** The server name leading `stream`'s replicas, or undefined while none leads. */
export async function streamLeader(bus: Bus, stream: string): Promise<string | undefined> {
  try {
    return (await bus.jsm.streams.info(stream)).cluster?.leader;
  } catch {
    return undefined;
  }
}

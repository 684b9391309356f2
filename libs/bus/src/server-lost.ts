/** The part of a server's INFO that lists the cluster's client URLs. */
interface ClusterInfo {
  connect_urls?: string[];
}

/**
 * Maps a connection's status events, telling a cluster server gone ('server-lost') from other
 * `update`s. nats.js reports `deleted` servers only among those it learnt by gossip, never a seed:
 * with IP seeds equal to the advertised URLs (our cluster test, an operator listing every server)
 * a SIGKILLed stream leader shows as `{"added":[],"deleted":[]}`. So a URL that leaves the server's
 * `connect_urls` (read from the connection's latest INFO) counts as lost too. Told apart on
 * `update` only: after a reconnect the new server's list becomes the reference.
 */
export function serverLossDetector(
  info: () => ClusterInfo | undefined,
): (type: string, data: string) => string {
  let known = new Set(info()?.connect_urls ?? []);
  return (type, data) => {
    const before = known;
    known = new Set(info()?.connect_urls ?? []);
    if (type !== 'update') return type;
    if (/"deleted":\["/.test(data)) return 'server-lost';
    for (const url of before) if (!known.has(url)) return 'server-lost';
    return type;
  };
}

package io.jlvs.proxy;

/**
 * What the FULLNAT proxy counts beyond the IPVS counters: why connections or datagrams were dropped,
 * and how much data waited in its write buffers.
 *
 * @param noDestination          new flows dropped because no real server could take them
 * @param connectFailures        connects to a real server that were refused or timed out
 * @param connectRetries         of those, the ones retried on another real server
 * @param udpDatagramsDropped    datagrams dropped (backend not yet connected and queue full, or client side unwritable)
 * @param maxPendingWriteBytes   the most bytes seen waiting in one channel's write buffer when reading paused
 * @param openFlows              proxied TCP connections and UDP flows now open
 * @param acceptFailures         accepts that failed for want of descriptors or memory (the relay then stops
 *                               accepting for 100 ms; the connection waits in the listen queue)
 */
public record FullNatProxyMetrics(
        long noDestination,
        long connectFailures,
        long connectRetries,
        long udpDatagramsDropped,
        long maxPendingWriteBytes,
        int openFlows,
        long acceptFailures) {
}

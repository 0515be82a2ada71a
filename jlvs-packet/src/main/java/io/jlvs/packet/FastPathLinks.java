package io.jlvs.packet;

import io.jlvs.sys.NativeIoException;
import io.jlvs.sys.XdpFlowMap;
import io.jlvs.sys.XdpForwarder;
import io.jlvs.sys.XdpMode;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * The XDP fast path for AF_PACKET workers: one {@link XdpForwarder} per link of the director, all over one
 * {@link XdpFlowMap} that every worker writes its own connections into ({@link #forWorker}). Frames the
 * program does not forward reach the workers' sockets as without it. Owner: the director; the refresher
 * re-attaches a re-created link's program ({@link #relink}); each worker has its own {@link FlowOffload}.
 */
final class FastPathLinks implements AutoCloseable {
    /** Owner numbers of one worker carry its number from this bit up (a worker's own are below 2^24). */
    static final int WORKER_SHIFT = 24;

    private final List<String> interfaces;
    private final XdpMode wantedMode;
    private final XdpFlowMap flows;
    private final XdpForwarder[] forwarders;
    private final List<XdpFlowMap> handles = new ArrayList<>();
    private long nextRetry;
    private static final long RETRY_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
    private static final System.Logger LOG = System.getLogger(FastPathLinks.class.getName());

    /**
     * Attaches the program to every link, on the generic path unless {@code mode} says otherwise; all or
     * nothing. Generic, not native: the AF_PACKET workers need a socket buffer for every frame anyway, and a
     * native redirect into a link that cannot take one (a VLAN, a bond, a bridge, a veth whose peer runs no
     * NAPI, a driver without ndo_xdp_xmit, or a link whose driver fell back to generic) drops the frame
     * without a word, where a generic redirect goes through the link's queue and always arrives.
     */
    FastPathLinks(List<String> interfaces, XdpMode mode, int capacity) {
        this.interfaces = List.copyOf(interfaces);
        this.wantedMode = mode;
        this.flows = XdpFlowMap.create(capacity);
        this.forwarders = new XdpForwarder[interfaces.size()];
        try {
            for (int i = 0; i < forwarders.length; i++) {
                forwarders[i] = attach(i);
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private XdpForwarder attach(int link) {
        String name = interfaces.get(link);
        return XdpForwarder.attach(name, wantedMode != null ? wantedMode : XdpMode.GENERIC, flows);
    }

    /**
     * Link {@code link} was deleted and created again: its program went with the old link, a new one is
     * attached. The workers forget the flows they offloaded ({@code Dataplane.linksReopened}): those name
     * the old link's index.
     *
     * @return null when attached, else why not (the link then has no fast path until {@link #retryMissing}
     *     succeeds)
     */
    synchronized String relink(int link) {
        XdpForwarder old = forwarders[link];
        forwarders[link] = null;
        if (old != null) {
            old.close();
        }
        try {
            forwarders[link] = attach(link);
            return null;
        } catch (NativeIoException | io.jlvs.sys.BpfLoadException e) {
            return e.getMessage();
        }
    }

    /**
     * Attaches the program again to each link that has none (a relink that failed), at most every few
     * seconds; refresher thread.
     */
    synchronized void retryMissing(long nowNanos) {
        if (nowNanos - nextRetry < 0) {
            return;
        }
        nextRetry = nowNanos + RETRY_NANOS;
        for (int i = 0; i < forwarders.length; i++) {
            if (forwarders[i] == null) {
                try {
                    forwarders[i] = attach(i);
                    LOG.log(System.Logger.Level.INFO, "interface " + interfaces.get(i) + " has its XDP fast path again");
                } catch (NativeIoException | io.jlvs.sys.BpfLoadException e) {
                    // still refused (another program holds the link): the next try comes later
                }
            }
        }
    }

    /** Where the program runs on link {@code link}, or null when it has none. */
    synchronized XdpMode mode(int link) {
        XdpForwarder f = forwarders[link];
        return f == null ? null : f.mode();
    }

    /** Where a worker's last transmitted frame left: the link's interface index, and the worker's MTU. */
    interface SendingLink {
        int sendingIfindex();

        int mtu();
    }

    /** Worker {@code worker}'s view: its connections, sent out of {@code io}'s links. */
    synchronized FlowOffload forWorker(int worker, SendingLink io) {
        XdpFlowMap h = flows.handle();
        handles.add(h);
        return new WorkerOffload(h, worker, io);
    }

    /** Detaches the programs and frees the table; call once the workers have stopped. */
    @Override
    public synchronized void close() {
        for (int i = 0; i < forwarders.length; i++) {
            if (forwarders[i] != null) {
                forwarders[i].close();
                forwarders[i] = null;
            }
        }
        handles.forEach(XdpFlowMap::close);
        handles.clear();
        flows.close();
    }

    /**
     * One worker's entries in the shared table: their owner numbers carry the worker's number, so that its
     * sweep reads only its own. Owner: the worker thread.
     */
    static final class WorkerOffload implements FlowOffload {
        private final XdpFlowMap flows;
        private final int tag;
        private final SendingLink io;
        private XdpFlowMap.CountSink sink;
        private int reported;
        private final XdpFlowMap.CountSink mine = this::counted;

        WorkerOffload(XdpFlowMap flows, int worker, SendingLink io) {
            this.flows = flows;
            this.tag = worker;
            this.io = io;
        }

        @Override
        public boolean offload(int owner, int protocol, int src, int sport, int dst, int dport, MemorySegment frame,
                               long offset, int encap) {
            return owner >>> WORKER_SHIFT == 0 && FastPathEntry.put(flows, tag << WORKER_SHIFT | owner, protocol, src,
                    sport, dst, dport, frame, offset, encap, io.sendingIfindex(), io.mtu());
        }

        @Override
        public int readAll(XdpFlowMap.CountSink to) {
            sink = to;
            reported = 0;
            try {
                flows.readAll(mine);
            } finally {
                sink = null;
            }
            return reported;
        }

        private void counted(int owner, long frames, long bytes) {
            if (owner >>> WORKER_SHIFT == tag) {
                reported++;
                sink.counted(owner & ((1 << WORKER_SHIFT) - 1), frames, bytes);
            }
        }

        @Override
        public boolean forget(int protocol, int src, int sport, int dst, int dport, long[] counts) {
            return flows.take(protocol, src, sport, dst, dport, counts);
        }
    }
}

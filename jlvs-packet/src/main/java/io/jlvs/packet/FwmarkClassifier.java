package io.jlvs.packet;

import java.util.List;

/**
 * Gives packets the firewall mark a kernel MARK rule would have given them, since a userspace data
 * plane sees no netfilter mark. Rules are tried in order; the first match wins. Immutable; the daemon
 * builds one from its configuration and hands it to {@link Dataplane#fwmarkClassifier}.
 */
public final class FwmarkClassifier {
    public static final FwmarkClassifier NONE = new FwmarkClassifier(List.of());

    private final int[] protocol;
    private final int[] from;
    private final int[] to;
    private final int[] ports;
    private final int[] marks;

    public FwmarkClassifier(List<FwmarkRule> rules) {
        int n = rules.size();
        protocol = new int[n];
        from = new int[n];
        to = new int[n];
        ports = new int[n];
        marks = new int[n];
        for (int i = 0; i < n; i++) {
            FwmarkRule r = rules.get(i);
            protocol[i] = r.protocol() == null ? 0 : r.protocol().number();
            from[i] = r.from().v4();
            to[i] = r.to().v4();
            ports[i] = r.portFrom() << 16 | r.portTo();
            marks[i] = r.mark();
        }
    }

    public boolean isEmpty() {
        return marks.length == 0;
    }

    /** The mark of a packet, or 0 when no rule matches. */
    public int classify(int proto, int dst, int dstPort) {
        for (int i = 0; i < marks.length; i++) {
            if ((protocol[i] == 0 || protocol[i] == proto)
                    && Integer.compareUnsigned(dst, from[i]) >= 0 && Integer.compareUnsigned(dst, to[i]) <= 0
                    && dstPort >= (ports[i] >>> 16) && dstPort <= (ports[i] & 0xffff)) {
                return marks[i];
            }
        }
        return 0;
    }
}

package io.jlvs.sys;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/** BPF_MAP_CREATE, shared by the XDP steering program's maps, the fast path's flow map and the AF_XDP probe. */
final class BpfMaps {
    private BpfMaps() {
    }

    /**
     * Creates a map of {@code type} with {@code keySize}- and {@code valueSize}-byte entries, at most
     * {@code maxEntries}, named {@code name} (first 15 characters) in bpftool's listings; returns its
     * descriptor. {@code attr} (at least 128 bytes) is scratch space.
     */
    static int create(Syscalls sys, MemorySegment attr, int type, int keySize, int valueSize, int maxEntries,
                      String name) {
        attr.fill((byte) 0);
        attr.set(ValueLayout.JAVA_INT, 0, type);
        attr.set(ValueLayout.JAVA_INT, 4, keySize);
        attr.set(ValueLayout.JAVA_INT, 8, valueSize);
        attr.set(ValueLayout.JAVA_INT, 12, maxEntries);
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        MemorySegment.copy(n, 0, attr, ValueLayout.JAVA_BYTE, 28, Math.min(n.length, 15));
        return sys.bpf(Abi.BPF_MAP_CREATE, attr, "BPF_MAP_CREATE " + name);
    }
}

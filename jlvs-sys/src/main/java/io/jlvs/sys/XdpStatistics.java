package io.jlvs.sys;

/**
 * Kernel counters of one AF_XDP socket (XDP_STATISTICS), since it opened.
 *
 * @param rxDropped          frames dropped for any other reason (e.g. too large for a UMEM frame)
 * @param rxInvalidDescs     receive descriptors the kernel found invalid
 * @param txInvalidDescs     transmit descriptors the kernel found invalid
 * @param rxRingFull         frames dropped because the receive ring was full
 * @param fillRingEmpty      frames dropped because the fill ring had no free UMEM frame
 * @param txRingEmpty        kicks that found the transmit ring empty
 */
public record XdpStatistics(long rxDropped, long rxInvalidDescs, long txInvalidDescs, long rxRingFull,
        long fillRingEmpty, long txRingEmpty) {
}

package io.jlvs.sys;

/**
 * Kernel counters of an AF_PACKET socket since it opened (PACKET_STATISTICS, summed across reads).
 *
 * @param packets        frames the socket's filter accepted, delivered or not
 * @param drops          of those, frames dropped because the ring was full
 * @param queueFreezes   times the receive queue froze because every block was in user space
 */
public record PacketStats(long packets, long drops, long queueFreezes) {
}

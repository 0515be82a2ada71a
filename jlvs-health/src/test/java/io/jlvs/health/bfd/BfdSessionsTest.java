package io.jlvs.health.bfd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jlvs.core.IpAddress;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Two runtimes talking over the loopback on their own ports. */
class BfdSessionsTest {
    private static final IpAddress LO = IpAddress.parse("127.0.0.1");

    private static BfdSessionConfig config(String name, int ttl, int maxHops) {
        return new BfdSessionConfig(name, LO, null, 20_000, 20_000, 1_000_000, 3, false, ttl, maxHops);
    }

    @Test
    void sessionsComeUpAndTheSurvivorSeesTheOtherGoAway() throws Exception {
        List<String> logA = new CopyOnWriteArrayList<>();
        try (BfdSessions a = new BfdSessions(23784, 23785, new SplittableRandom(1), logA::add)) {
            BfdSessions b = new BfdSessions(23785, 23784, new SplittableRandom(2), s -> { });
            try {
                a.configure(List.of(config("peer", 255, 0)));
                b.configure(List.of(config("peer", 255, 0)));
                assertThat(a.awaitChange("peer", BfdState.DOWN, Duration.ofSeconds(5))).isPresent();
                await().atMost(Duration.ofSeconds(5)).until(() -> a.session("peer").orElseThrow().state() == BfdState.UP
                        && b.session("peer").orElseThrow().state() == BfdState.UP);
                // after the poll sequence both send at the 20 ms rate
                await().atMost(Duration.ofSeconds(3)).until(() -> a.session("peer").orElseThrow().transmitIntervalMicros() == 20_000);
                assertThat(a.session("peer").orElseThrow().detectionTimeMicros()).isEqualTo(60_000);
                assertThat(logA).contains("BFD_Instance(peer) Entering Up state");
            } finally {
                b.close();
            }
            await().atMost(Duration.ofSeconds(2)).until(() -> a.session("peer").orElseThrow().state() == BfdState.DOWN);
            assertThat(a.session("peer").orElseThrow().diag()).isEqualTo(BfdDiag.NEIGHBOR_SIGNALED_SESSION_DOWN);
            assertThat(logA).anyMatch(l -> l.startsWith("BFD_Instance(peer) Entering Down state (Local diagnostic - "
                    + "Neighbor Signaled Session Down, Remote diagnostic - Administratively Down)"));
        }
    }

    @Test
    void packetsSentWithALowerTtlAreDroppedByTheSingleHopCheck() throws Exception {
        try (BfdSessions a = new BfdSessions(23786, 23787, new SplittableRandom(1), s -> { });
             BfdSessions b = new BfdSessions(23787, 23786, new SplittableRandom(2), s -> { })) {
            a.configure(List.of(config("peer", 255, 0)));
            b.configure(List.of(config("peer", 254, 0)));
            BfdSession sa = a.session("peer").orElseThrow();
            await().atMost(Duration.ofSeconds(3)).until(() -> sa.drops().get(BfdDropReason.TTL) >= 2);
            assertThat(sa.state()).isEqualTo(BfdState.DOWN);
            assertThat(sa.packetsReceived()).isZero();
            // max_hops 1 lets b's TTL 254 in
            a.configure(List.of(config("peer", 255, 1)));
            await().atMost(Duration.ofSeconds(5)).until(() -> a.session("peer").orElseThrow().state() == BfdState.UP);
        }
    }

    @Test
    void aDatagramForNoSessionIsCountedNotApplied() throws Exception {
        try (BfdSessions a = new BfdSessions(23788, 23789, new SplittableRandom(1), s -> { });
             var sender = io.jlvs.sys.UdpTtlSocket.open(false, LO, 0, 255)) {
            a.configure(List.of(new BfdSessionConfig("other", IpAddress.parse("127.0.0.9"), null, 20_000, 20_000,
                    1_000_000, 3, true, 255, 0)));
            sender.send(LO, 23788, BfdPacket.control(BfdDiag.NONE, BfdState.DOWN, false, false, 3, 7, 0, 1_000_000,
                    10_000).encode());
            sender.send(LO, 23788, BfdPacket.control(BfdDiag.NONE, BfdState.UP, false, false, 3, 7, 99, 1_000_000,
                    10_000).encode());
            sender.send(LO, 23788, new byte[10]);
            await().atMost(Duration.ofSeconds(3)).until(() -> a.drops().total() == 3);
            assertThat(a.drops().snapshot()).containsEntry(BfdDropReason.NO_SESSION, 1L)
                    .containsEntry(BfdDropReason.UNKNOWN_YOUR_DISCRIMINATOR, 1L)
                    .containsEntry(BfdDropReason.BAD_LENGTH, 1L);
            assertThat(a.session("other").orElseThrow().packetsSent()).isZero();
        }
    }
}

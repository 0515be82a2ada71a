package io.jlvs.packet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.jlvs.sys.NativeIoException;
import org.junit.jupiter.api.Test;

/**
 * The refresher thread outlives a failing pass: before, anything but a refused netlink request (a bug such as an
 * IndexOutOfBoundsException) ended it, and with it IPv4 and IPv6 next-hop refresh, link checks and own-address
 * updates, so new clients stayed NO_NEIGHBOUR for good.
 */
class RefreshPassesTest {
    @Test
    void aPassThatThrowsIsCountedAndTheNextOneRuns() {
        PacketDirector.RefreshPasses passes = new PacketDirector.RefreshPasses();
        int[] ran = new int[1];
        assertThatCode(() -> passes.run(() -> {
            throw new IndexOutOfBoundsException("Index -3 out of bounds for length 40");
        })).doesNotThrowAnyException();
        assertThatCode(() -> passes.run(() -> {
            throw new IllegalStateException("again");
        })).doesNotThrowAnyException();
        assertThatCode(() -> passes.run(() -> {
            throw new NativeIoException("RTM_GETNEIGH", 105);
        })).doesNotThrowAnyException();
        passes.run(() -> ran[0]++);
        assertThat(passes.unexpected()).isEqualTo(2);
        assertThat(ran[0]).isEqualTo(1);
    }
}

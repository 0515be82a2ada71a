package io.jlvs.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Lab tier: the harness makes namespaces that really carry traffic, and leaves none behind. */
class NetnsLabTest {

    @Test
    void namespacesCarryTrafficAndAreRemovedOnClose() throws Exception {
        Lab.requireNetns();
        Lab.requireCommand("ping", "iputils-ping");
        String ns;
        // a subnet of our own, so concurrent runs on one machine never share addresses
        String net = "10.209." + (ProcessHandle.current().pid() % 250) + ".";
        try (NetnsLab lab = new NetnsLab()) {
            ns = lab.namespace("rs1");
            lab.vethToRoot(ns, net + "1/30", net + "2/30");
            assertThat(Shell.run("ping", "-c", "1", "-W", "2", net + "2").exitCode()).isZero();
            assertThat(lab.exec(ns, "ping", "-c", "1", "-W", "2", net + "1").exitCode()).isZero();
        }
        assertThat(Shell.run("ip", "netns", "list").output()).doesNotContain(ns);
        assertThat(Shell.run("ip", "-o", "addr").output()).doesNotContain(net + "1/");
    }
}

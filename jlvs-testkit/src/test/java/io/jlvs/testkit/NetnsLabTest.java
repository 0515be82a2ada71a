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
        try (NetnsLab lab = new NetnsLab()) {
            ns = lab.namespace("rs1");
            lab.vethToRoot(ns, "10.201.7.1/30", "10.201.7.2/30");
            assertThat(Shell.run("ping", "-c", "1", "-W", "2", "10.201.7.2").exitCode()).isZero();
            assertThat(lab.exec(ns, "ping", "-c", "1", "-W", "2", "10.201.7.1").exitCode()).isZero();
        }
        assertThat(Shell.run("ip", "netns", "list").output()).doesNotContain(ns);
        assertThat(Shell.run("ip", "-o", "addr").output()).doesNotContain("10.201.7.1");
    }
}

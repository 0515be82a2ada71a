package io.jlvs.cli.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.cli.daemon.JlvsVersion;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code make install DESTDIR=...} of the classes just built: the installed launchers run the installed
 * jars, and {@code make uninstall} takes them away again but leaves the administrator's files.
 */
@Timeout(300)
class MakeInstallTest {
    @TempDir
    Path dir;

    /** The jars to install: this module's classes as a jar, and its runtime classpath (directories jarred). */
    private List<String> jars() throws Exception {
        String jarTool = Path.of(System.getProperty("java.home"), "bin", "jar").toString();
        Path staging = Files.createDirectories(dir.resolve("jars"));
        List<String> jars = new ArrayList<>();
        int n = 0;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry);
            if (p.endsWith("test-classes") || !Files.exists(p)) {
                continue;
            }
            if (Files.isDirectory(p)) {
                Path jar = staging.resolve("module-" + (n++) + ".jar");
                Dist.Result r = Dist.run(dir, List.of(jarTool, "--create", "--file", jar.toString(), "-C", p.toString(), "."));
                assertThat(r.status()).as(r.output()).isZero();
                jars.add(jar.toString());
            } else if (entry.endsWith(".jar")) {
                jars.add(entry);
            }
        }
        return jars;
    }

    private Dist.Result make(Path destdir, String target, List<String> jars) throws Exception {
        List<String> command = new ArrayList<>(List.of("make", "-s", "-C", Dist.root().toString(), target,
                "DESTDIR=" + destdir, "BUILD="));
        if (jars != null) {
            command.add("JARS=" + String.join(" ", jars));
        }
        return Dist.run(dir, command);
    }

    @Test
    void installsARunnableTreeAndUninstallsIt() throws Exception {
        io.jlvs.testkit.Lab.require(Files.isExecutable(Path.of("/usr/bin/make")), "needs make (apt-get install make)");
        Path root = dir.resolve("root");
        Dist.Result installed = make(root, "install", jars());
        assertThat(installed.status()).as(installed.output()).isZero();

        Path prefix = root.resolve("usr/local");
        Path sbin = prefix.resolve("sbin");
        assertThat(sbin.resolve("jlvs")).isExecutable();
        assertThat(sbin.resolve("jlvsadm")).isExecutable();
        assertThat(Files.readString(sbin.resolve("jlvsadm"))).doesNotContain("mvn", "ensure_built");
        try (Stream<Path> lib = Files.list(prefix.resolve("lib/jlvs"))) {
            assertThat(lib.map(p -> p.getFileName().toString()))
                    .contains("jdk.sh").anyMatch(n -> n.startsWith("picocli")).anyMatch(n -> n.startsWith("logback-classic"));
        }
        assertThat(prefix.resolve("share/man/man8/jlvs.8")).hasSameTextualContentAs(Dist.dist("man/jlvs.8"));
        assertThat(prefix.resolve("share/man/man8/jlvsadm.8")).hasSameTextualContentAs(Dist.dist("man/jlvsadm.8"));
        assertThat(prefix.resolve("share/bash-completion/completions/jlvsadm")).hasSameTextualContentAs(Dist.dist("completion/jlvsadm"));
        assertThat(Files.readString(prefix.resolve("share/bash-completion/completions/jlvs")))
                .contains("complete -F _complete_jlvs", "run", "demo");
        assertThat(Files.readString(root.resolve("lib/systemd/system/jlvs.service")))
                .contains("Type=notify", "ExecStart=/usr/local/sbin/jlvs run -f ${JLVS_CONFIG}");
        assertThat(root.resolve("etc/default/jlvs")).hasSameTextualContentAs(Dist.dist("jlvs.default"));
        assertThat(root.resolve("etc/jlvs/keepalived.conf")).exists();

        Dist.Result version = Dist.run(dir, List.of(sbin.resolve("jlvsadm").toString(), "-v"));
        assertThat(version.status()).as(version.output()).isZero();
        assertThat(version.output()).startsWith("jlvsadm v1.31 ");
        Dist.Result jlvs = Dist.run(dir, List.of(sbin.resolve("jlvs").toString(), "version"));
        assertThat(jlvs.output()).startsWith("jlvs " + JlvsVersion.text());
        // a collector named in JLVS_JAVA_OPTS replaces the launcher's G1 (two would stop the JVM)
        Dist.Result zgc = Dist.run(dir, List.of("env", "JLVS_JAVA_OPTS=-XX:+UseZGC -Xlog:gc:stdout",
                sbin.resolve("jlvs").toString(), "version"));
        assertThat(zgc.status()).as(zgc.output()).isZero();
        assertThat(zgc.output()).contains("Using The Z Garbage Collector", "jlvs " + JlvsVersion.text());
        Dist.Result g1 = Dist.run(dir, List.of("env", "JLVS_JAVA_OPTS=-Xlog:gc:stdout",
                sbin.resolve("jlvs").toString(), "version"));
        assertThat(g1.output()).contains("Using G1", "jlvs " + JlvsVersion.text());

        // A second install keeps what the administrator changed.
        Files.writeString(root.resolve("etc/default/jlvs"), "JLVS_OPTIONS=--no-admin\n");
        assertThat(make(root, "install", jars()).status()).isZero();
        assertThat(root.resolve("etc/default/jlvs")).hasContent("JLVS_OPTIONS=--no-admin");

        Dist.Result removed = make(root, "uninstall", null);
        assertThat(removed.status()).as(removed.output()).isZero();
        assertThat(sbin.resolve("jlvs")).doesNotExist();
        assertThat(sbin.resolve("jlvsadm")).doesNotExist();
        assertThat(prefix.resolve("lib/jlvs")).doesNotExist();
        assertThat(root.resolve("lib/systemd/system/jlvs.service")).doesNotExist();
        assertThat(prefix.resolve("share/man/man8/jlvsadm.8")).doesNotExist();
        assertThat(root.resolve("etc/default/jlvs")).exists();
    }

    @Test
    void installedUnitPassesSystemdAnalyzeVerify() throws Exception {
        io.jlvs.testkit.Lab.require(Files.isExecutable(Path.of("/usr/bin/systemd-analyze")), "needs systemd-analyze (apt-get install systemd)");
        // The unit as it would be installed, with its commands pointed at programs that exist here.
        Path unit = dir.resolve("jlvs.service");
        Files.writeString(unit, Files.readString(Dist.dist("jlvs.service")).replace("/usr/local/sbin/jlvs", "/bin/true"));
        Dist.Result r = Dist.run(dir, List.of("systemd-analyze", "verify", "--man=no", unit.toString()));
        assertThat(r.output()).as("systemd-analyze verify").isEmpty();
        assertThat(r.status()).isZero();
    }
}

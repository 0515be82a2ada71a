package io.jlvs.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The lab test tier: tests that need root, network namespaces or Debian packages. On a machine that
 * lacks them a lab test is skipped with the reason printed; with {@code JLVS_REQUIRE_LAB=1} (as CI sets
 * it) it fails instead, so a lab test can never pass silently by not running.
 */
public final class Lab {
    private Lab() {
    }

    /** True when lab tests must run (JLVS_REQUIRE_LAB=1). */
    public static boolean required() {
        return "1".equals(System.getenv("JLVS_REQUIRE_LAB"));
    }

    /** Skips (or, when required, fails) the calling test unless {@code condition} holds. */
    public static void require(boolean condition, String reason) {
        if (condition) {
            return;
        }
        if (required()) {
            Assertions.fail("lab test cannot run (JLVS_REQUIRE_LAB=1): " + reason);
        }
        System.out.println("[lab] skipped: " + reason);
        Assumptions.abort("lab: " + reason);
    }

    public static void requireRoot() {
        require("root".equals(System.getProperty("user.name")), "needs root (network namespaces)");
    }

    /** Requires an executable on PATH (or an absolute path) and returns its path. */
    public static String requireCommand(String name, String debianPackage) {
        String found = which(name);
        require(found != null, "needs '" + name + "' (apt-get install " + debianPackage + ")");
        return found;
    }

    public static String which(String name) {
        if (name.startsWith("/")) {
            return Files.isExecutable(Path.of(name)) ? name : null;
        }
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin";
        for (String dir : path.split(":")) {
            Path p = Path.of(dir, name);
            if (!dir.isEmpty() && Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }

    /** Requires that network namespaces can be made here (root and iproute2). */
    public static void requireNetns() {
        requireRoot();
        requireCommand("ip", "iproute2");
        String probe = "jlvs-probe-" + ProcessHandle.current().pid();
        boolean ok;
        try {
            ok = Shell.run("ip", "netns", "add", probe).exitCode() == 0;
            Shell.run("ip", "netns", "del", probe);
        } catch (IOException e) {
            ok = false;
        }
        require(ok, "cannot create network namespaces here");
    }
}

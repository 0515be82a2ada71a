package io.jlvs.cli.ops;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The dist/ tree of this checkout, jlvsadm's switch table, and a way to run a command for its output. */
final class Dist {
    private Dist() {
    }

    /** The repository root: the parent of the jlvs-cli module the tests run in. */
    static Path root() {
        Path module = Path.of("").toAbsolutePath();
        return module.getFileName().toString().equals("jlvs-cli") ? module.getParent() : module;
    }

    static Path dist(String relative) {
        return root().resolve("dist").resolve(relative);
    }

    /** A roff page as a reader searches it: {@code \-} is a hyphen. */
    static String manText(String page) throws IOException {
        return Files.readString(dist("man/" + page)).replace("\\-", "-");
    }

    /** One switch of jlvsadm: its long name and its short letter ('\0' when it has none). */
    record AdmSwitch(String longName, char shortName) {
    }

    /** io.jlvs.cli.adm.Switch, read without widening its package-private access. */
    static List<AdmSwitch> admSwitches() throws ReflectiveOperationException {
        Class<?> type = Class.forName("io.jlvs.cli.adm.Switch");
        Method longName = type.getDeclaredMethod("longName");
        Method shortName = type.getDeclaredMethod("shortName");
        longName.setAccessible(true);
        shortName.setAccessible(true);
        List<AdmSwitch> out = new ArrayList<>();
        for (Object s : type.getEnumConstants()) {
            out.add(new AdmSwitch((String) longName.invoke(s), (char) shortName.invoke(s)));
        }
        return out;
    }

    /** The output of a command (stdout and stderr together), and its exit status. */
    record Result(int status, String output) {
    }

    static Result run(Path dir, List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("timed out: " + command);
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}

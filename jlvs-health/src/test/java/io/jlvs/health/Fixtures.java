package io.jlvs.health;

import io.jlvs.core.IpAddress;
import io.jlvs.core.Protocol;
import io.jlvs.core.model.InetServiceKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/** Shared test values. */
final class Fixtures {

    static final IpAddress LOOPBACK = IpAddress.parse("127.0.0.1");
    static final InetServiceKey VS = new InetServiceKey(Protocol.TCP, IpAddress.parse("192.168.0.10"), 80);

    private Fixtures() {
    }

    static CheckSubject subject(int port) {
        return new CheckSubject(VS, LOOPBACK, port);
    }

    static CheckTiming timing(CheckerKind kind, Duration connectTimeout) {
        return CheckTiming.defaults(kind).withConnectTimeout(connectTimeout);
    }

    static CheckerFactory factory() {
        return new CheckerFactory(new ScriptRunner(false, null), new SplittableRandom(7));
    }

    static HealthChecker checker(CheckerParams params, int port, Duration connectTimeout) {
        return factory().create(params, subject(port), timing(params.kind(), connectTimeout), null);
    }

    /** A real server on 127.0.0.1:{@code port} of {@code vs} (weight 1) with one checker built from {@code params}. */
    static RealServerHealth checkedServer(VirtualServerHealth vs, int port, CheckerParams params, CheckTiming timing) {
        HealthChecker checker = factory().create(params, subject(port), timing, null);
        return vs.addRealServer(LOOPBACK, port, 1, false, null, null, List.of(new CheckerSpec(checker, timing)));
    }

    /** Open file descriptors of this JVM. */
    static long openFds() {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<String> logLines(List<String> into) {
        return into;
    }

    static CheckLog log(List<String> lines) {
        return new CheckLog(lines::add);
    }

    static List<String> newLines() {
        return new CopyOnWriteArrayList<>();
    }
}

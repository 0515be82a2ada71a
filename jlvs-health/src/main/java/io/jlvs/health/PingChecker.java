package io.jlvs.health;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * PING_CHECK. Java has no ICMP socket, so one echo is sent by running {@code ping -n -c 1 -W <s> [-I bindto]
 * <address>} (iputils) as argv; exit 0 = a reply came back. The ping process is killed at connect_timeout + 1 s.
 */
final class PingChecker implements HealthChecker {

    private final CheckTarget target;
    private final CheckTiming timing;
    private final ScriptRunner runner;
    private final String label;

    PingChecker(CheckTarget target, CheckTiming timing, CheckSubject subject) {
        this.target = target;
        this.timing = timing;
        this.runner = new ScriptRunner(false, null);
        this.label = subject.realServerLabel();
    }

    List<String> argv() {
        List<String> argv = new ArrayList<>(List.of("ping", target.address().isV4() ? "-4" : "-6", "-n", "-q",
                "-c", "1", "-W", Long.toString(Math.max(1, (timing.connectTimeout().toMillis() + 999) / 1000))));
        if (target.bindTo() != null) {
            argv.addAll(List.of("-I", target.bindTo().toString()));
        }
        argv.add(target.address().toString());
        return argv;
    }

    @Override
    public CheckerKind kind() {
        return CheckerKind.PING_CHECK;
    }

    @Override
    public CheckOutcome check() {
        long start = System.nanoTime();
        ScriptResult result = runner.run(argv(), timing.connectTimeout().plusSeconds(1), null);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        if (result.succeeded()) {
            return CheckOutcome.up(CheckLog.icmpSuccess(label), took);
        }
        return CheckOutcome.down(CheckLog.icmpTimeout(label), took);
    }
}

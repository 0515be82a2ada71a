package io.jlvs.health;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/** Starts notify scripts without waiting for them (keepalived's notify_exec). */
@FunctionalInterface
public interface NotifyRunner {

    void run(NotifyCommand command);

    /** Runs each script on the executor with {@code runner}, bounded by {@code timeout}; refusals go to {@code log}. */
    static NotifyRunner using(ScriptRunner runner, Executor executor, Duration timeout, Consumer<String> log) {
        return command -> executor.execute(() -> {
            ScriptResult result = runner.run(command.commandLine(), timeout, command.user());
            if (!result.ran()) {
                log.accept(result.refusal());
            }
        });
    }
}

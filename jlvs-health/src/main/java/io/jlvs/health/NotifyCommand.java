package io.jlvs.health;

/** A notify_up/notify_down/quorum_up/quorum_down script: the configured string and an optional user. */
public record NotifyCommand(String commandLine, String user) {

    public NotifyCommand {
        if (commandLine == null || commandLine.isBlank()) {
            throw new IllegalArgumentException("notify script is empty");
        }
    }

    public static NotifyCommand of(String commandLine) {
        return new NotifyCommand(commandLine, null);
    }
}

package io.jlvs.vrrp.notify;

import java.util.List;

/**
 * keepalived 2.2.7's notify surfaces. The generic {@code notify} script is run with four extra arguments
 * {@code INSTANCE|GROUP name state priority} (priority 0 for a group); the notify FIFO gets one line per event,
 * {@code INSTANCE "VI_1" MASTER 100}, newline terminated.
 */
public final class VrrpNotifyFormat {
    private VrrpNotifyFormat() {
    }

    /** The four arguments appended to the {@code notify} script's own arguments for an instance. */
    public static List<String> instanceScriptArgs(String instance, NotifyEvent state, int priority) {
        return List.of("INSTANCE", instance, scriptState(state), Integer.toString(priority));
    }

    /** The four arguments for a sync group; keepalived always passes priority 0 for a group. */
    public static List<String> groupScriptArgs(String group, NotifyEvent state) {
        return List.of("GROUP", group, scriptState(state), "0");
    }

    /** One FIFO line for an instance, with the trailing newline. */
    public static String instanceFifoLine(String instance, NotifyEvent event, int priority) {
        return "INSTANCE \"" + instance + "\" " + event.word() + " " + priority + "\n";
    }

    /** One FIFO line for a sync group (priority always 0), with the trailing newline. */
    public static String groupFifoLine(String group, NotifyEvent state) {
        return "GROUP \"" + group + "\" " + state.word() + " 0\n";
    }

    private static String scriptState(NotifyEvent e) {
        return e.isState() ? e.word() : "{UNKNOWN}";
    }
}

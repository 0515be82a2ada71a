package io.jlvs.health;

/**
 * How a script ended.
 *
 * @param exitCode exit status, or -1 when it did not exit normally (killed, refused, could not start)
 * @param timedOut killed (with its children) because it ran past its timeout
 * @param refusal  why it was not run (script security, no such file), or null when it ran
 */
public record ScriptResult(int exitCode, boolean timedOut, String refusal) {

    public static ScriptResult refused(String why) {
        return new ScriptResult(-1, false, why);
    }

    public boolean ran() {
        return refusal == null;
    }

    public boolean succeeded() {
        return ran() && !timedOut && exitCode == 0;
    }
}

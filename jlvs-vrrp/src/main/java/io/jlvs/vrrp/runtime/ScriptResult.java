package io.jlvs.vrrp.runtime;

/** How a script run ended: its exit code, or that it was killed after its timeout, or that it could not start. */
public record ScriptResult(int exitCode, boolean timedOut, String error) {

    public static ScriptResult exited(int code) {
        return new ScriptResult(code, false, null);
    }

    public static ScriptResult timeout() {
        return new ScriptResult(-1, true, null);
    }

    public static ScriptResult failed(String error) {
        return new ScriptResult(-1, false, error);
    }

    /** Exit code 0 within the timeout. */
    public boolean succeeded() {
        return !timedOut && error == null && exitCode == 0;
    }
}

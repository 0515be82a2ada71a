package io.jlvs.health;

import java.time.Duration;

/**
 * MISC_CHECK: run misc_path (split into argv like keepalived, never through a shell). Exit 0 = up, 1 = down;
 * with misc_dynamic, 2..255 = up with weight (code - 2). Killed (with its children) after misc_timeout.
 *
 * @param miscTimeout null = delay_loop, as keepalived
 * @param user        the user (and optional ":group" or " group") to run as, or null for script_user / ourselves
 */
public record MiscCheck(String miscPath, Duration miscTimeout, boolean dynamic, String user) implements CheckerParams {

    public MiscCheck {
        if (miscPath == null || miscPath.isBlank()) {
            throw new IllegalArgumentException("MISC_CHECK needs misc_path");
        }
    }

    @Override
    public CheckerKind kind() {
        return CheckerKind.MISC_CHECK;
    }
}

package io.jlvs.health;

import java.nio.file.Path;

/**
 * FILE_CHECK on a track_file: the file holds an integer. With weight 0 a non-zero value fails the check; otherwise
 * value x weight (negated with reverse), clamped to a 32-bit int, is an offset: with dynamic it is added to the
 * real server's weight (the sum is clamped to 0..2147483647) and -2147483648 fails the check, as keepalived's
 * IPVS_WEIGHT_FAULT; without dynamic a negative offset fails the check.
 */
public record FileCheck(Path file, int weight, boolean reverse, boolean dynamic) implements CheckerParams {

    public FileCheck {
        if (file == null) {
            throw new IllegalArgumentException("FILE_CHECK has no track_file specified");
        }
    }

    @Override
    public CheckerKind kind() {
        return CheckerKind.FILE_CHECK;
    }
}

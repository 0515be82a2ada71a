package io.jlvs.health;

import java.nio.file.Path;

/**
 * FILE_CHECK on a track_file: the file holds an integer. With weight 0 a non-zero value fails the check; otherwise
 * value x weight (negated with reverse) is an offset: with dynamic it is added to the real server's weight
 * (the sum is clamped at 0), without dynamic a negative offset fails the check.
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

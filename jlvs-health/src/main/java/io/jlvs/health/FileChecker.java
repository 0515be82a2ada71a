package io.jlvs.health;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;

/** FILE_CHECK: read an integer from the track file on every attempt (a missing or unreadable file fails). */
final class FileChecker implements HealthChecker {

    private final FileCheck params;

    FileChecker(FileCheck params) {
        this.params = params;
    }

    @Override
    public CheckerKind kind() {
        return CheckerKind.FILE_CHECK;
    }

    @Override
    public CheckOutcome check() {
        long value;
        try {
            String text = Files.readString(params.file(), StandardCharsets.US_ASCII).trim();
            int end = 0;
            while (end < text.length() && (Character.isDigit(text.charAt(end)) || end == 0 && text.charAt(0) == '-')) {
                end++;
            }
            value = end == 0 ? 0 : Long.parseLong(text.substring(0, end));
        } catch (IOException | NumberFormatException e) {
            return CheckOutcome.down("track file " + params.file() + " unreadable", Duration.ZERO);
        }
        if (params.weight() == 0) {
            return value == 0 ? CheckOutcome.up("", Duration.ZERO)
                    : CheckOutcome.down("track file " + params.file() + " value " + value, Duration.ZERO);
        }
        long offset = value * params.weight() * (params.reverse() ? -1 : 1);
        int clamped = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, offset));
        if (!params.dynamic()) {
            return clamped < 0 ? CheckOutcome.down("track file " + params.file() + " value " + value, Duration.ZERO)
                    : CheckOutcome.up("", Duration.ZERO);
        }
        return CheckOutcome.upWithOffset(clamped, "", Duration.ZERO);
    }
}

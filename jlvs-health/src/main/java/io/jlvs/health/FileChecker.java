package io.jlvs.health;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;

/**
 * FILE_CHECK: read an integer from the track file on every attempt (a missing or unreadable file fails). With a
 * weight, the value times the weight (negated with reverse) is clamped to a 32-bit int as keepalived's
 * {@code weight_range} does; at -2147483648 (its IPVS_WEIGHT_FAULT) the check fails, otherwise that is the
 * checker's weight offset.
 */
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
        // |value| clamped to 2^31 first: the product of two such numbers fits in 64 bits, and a larger value
        // times a weight of at least 1 is out of the int range anyway
        long offset = Math.clamp(value, Integer.MIN_VALUE, 1L << 31) * params.weight() * (params.reverse() ? -1 : 1);
        int clamped = (int) Math.clamp(offset, Integer.MIN_VALUE, Integer.MAX_VALUE);
        if (!params.dynamic() ? clamped < 0 : clamped == Integer.MIN_VALUE) {
            return CheckOutcome.down("track file " + params.file() + " value " + value, Duration.ZERO);
        }
        return params.dynamic() ? CheckOutcome.upWithOffset(clamped, "", Duration.ZERO)
                : CheckOutcome.up("", Duration.ZERO);
    }
}

package io.jlvs.health;

import java.time.Duration;
import java.util.OptionalInt;

/**
 * The result of one checker attempt.
 *
 * @param up           the attempt passed
 * @param weight       an absolute weight asked for by the checker (MISC_CHECK misc_dynamic: exit code - 2)
 * @param weightOffset a weight added to the configured weight (FILE_CHECK value x weight); 0 when none
 * @param reason       keepalived's wording of what happened (for logs), never null
 * @param latency      how long the attempt took
 * @param note         lines the attempt logs whatever its result and the checker's state (keepalived's HTTP
 *                     content_length mismatch line), one per line; empty when none, never null
 */
public record CheckOutcome(boolean up, OptionalInt weight, int weightOffset, String reason, Duration latency,
                           String note) {

    public CheckOutcome {
        weight = weight == null ? OptionalInt.empty() : weight;
        reason = reason == null ? "" : reason;
        latency = latency == null ? Duration.ZERO : latency;
        note = note == null ? "" : note;
    }

    public CheckOutcome(boolean up, OptionalInt weight, int weightOffset, String reason, Duration latency) {
        this(up, weight, weightOffset, reason, latency, "");
    }

    /** This outcome with {@code lines} to log (added after any it has). */
    public CheckOutcome withNote(String lines) {
        if (lines == null || lines.isEmpty()) {
            return this;
        }
        return new CheckOutcome(up, weight, weightOffset, reason, latency, note.isEmpty() ? lines : note + "\n" + lines);
    }

    public static CheckOutcome up(String reason, Duration latency) {
        return new CheckOutcome(true, OptionalInt.empty(), 0, reason, latency);
    }

    public static CheckOutcome down(String reason, Duration latency) {
        return new CheckOutcome(false, OptionalInt.empty(), 0, reason, latency);
    }

    public static CheckOutcome upWithWeight(int weight, String reason, Duration latency) {
        return new CheckOutcome(true, OptionalInt.of(weight), 0, reason, latency);
    }

    public static CheckOutcome upWithOffset(int offset, String reason, Duration latency) {
        return new CheckOutcome(true, OptionalInt.empty(), offset, reason, latency);
    }
}

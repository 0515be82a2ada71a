package io.jlvs.admin;

import java.time.Instant;

/**
 * One entry of the {@link EventLog}.
 *
 * @param seq     increasing from 1; a client asks for events after the last seq it saw
 * @param time    when it was recorded
 * @param kind    what produced it: {@code checker}, {@code failover}, {@code reload}, {@code config}, ...
 * @param message a line for a person
 */
public record AdminEvent(long seq, Instant time, String kind, String message) {
}

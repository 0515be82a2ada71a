package io.jlvs.engine.control;

/**
 * Why the server refused a request before it reached the IPVS table. On the wire these share the
 * {@code "error"} field with the {@link io.jlvs.core.command.IpvsError} names.
 */
public enum ProtocolError {
    /** Not JSON, not an object, or a field missing or of the wrong type. */
    BAD_REQUEST,
    /** {@code "v"} missing or not a version this server speaks. */
    UNSUPPORTED_VERSION,
    /** {@code "op"} names no operation. */
    UNKNOWN_OP,
    /** The request line is longer than {@link ControlProtocol#MAX_REQUEST_BYTES}; the connection is closed. */
    REQUEST_TOO_LARGE,
    /** The daemon failed while serving a well-formed request. */
    INTERNAL
}

package io.jlvs.admin;

/** A refusal the API answers with {@code {"error":..., "message":...}} and an HTTP status. */
final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String error;
    private final String allow;

    ApiException(int status, String error, String message) {
        this(status, error, message, null);
    }

    private ApiException(int status, String error, String message, String allow) {
        super(message, null, false, false);
        this.status = status;
        this.error = error;
        this.allow = allow;
    }

    static ApiException notFound(String message) {
        return new ApiException(404, "NOT_FOUND", message);
    }

    static ApiException badRequest(String message) {
        return new ApiException(400, "BAD_REQUEST", message);
    }

    static ApiException methodNotAllowed(String method, String allow) {
        return new ApiException(405, "METHOD_NOT_ALLOWED", method + " is not allowed here; allowed: " + allow,
                allow);
    }

    int status() {
        return status;
    }

    String error() {
        return error;
    }

    /** The Allow header of a 405, else null. */
    String allow() {
        return allow;
    }
}

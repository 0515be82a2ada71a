package io.jlvs.cli.demo;

/** Why `jlvs demo` could not start, in one line a user can act on. */
final class DemoFailure extends Exception {
    private static final long serialVersionUID = 1L;

    DemoFailure(String message) {
        super(message);
    }
}

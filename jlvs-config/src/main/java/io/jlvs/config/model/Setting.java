package io.jlvs.config.model;

import java.util.List;

/** One keyword line as written, with where it was: for keywords kept verbatim or accepted with no effect. */
public record Setting(String block, String keyword, List<String> args, String file, int line) {
    public Setting {
        args = List.copyOf(args);
    }

    /** {@code keyword arg arg} as it would be written back. */
    public String text() {
        return args.isEmpty() ? keyword : keyword + " " + String.join(" ", args);
    }
}

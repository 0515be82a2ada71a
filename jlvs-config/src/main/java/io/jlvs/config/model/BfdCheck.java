package io.jlvs.config.model;

/**
 * BFD_CHECK: the real server follows a bfd_instance.
 *
 * @param alpha null when not set here (the real server's, then the virtual server's applies)
 */
public record BfdCheck(String name, Boolean alpha) implements CheckerDef {
    @Override
    public String keyword() {
        return "BFD_CHECK";
    }
}

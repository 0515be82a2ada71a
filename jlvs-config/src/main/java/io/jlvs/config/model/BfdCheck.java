package io.jlvs.config.model;

/** BFD_CHECK: the real server follows a bfd_instance. */
public record BfdCheck(String name, boolean alpha) implements CheckerDef {
    @Override
    public String keyword() {
        return "BFD_CHECK";
    }
}

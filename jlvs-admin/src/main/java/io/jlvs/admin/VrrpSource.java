package io.jlvs.admin;

import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/** Where the admin server reads VRRP instances from: none until the daemon registers its VRRP service. */
final class VrrpSource implements Supplier<List<VrrpInstanceView>> {
    private volatile Supplier<List<VrrpInstanceView>> source = List::of;

    void set(Supplier<List<VrrpInstanceView>> s) {
        source = Objects.requireNonNull(s, "source");
    }

    @Override
    public List<VrrpInstanceView> get() {
        List<VrrpInstanceView> l = source.get();
        return l == null ? List.of() : l;
    }
}

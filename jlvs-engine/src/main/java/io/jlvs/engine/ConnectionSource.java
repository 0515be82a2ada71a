package io.jlvs.engine;

import io.jlvs.core.view.ConnectionView;
import java.util.List;

/** A data plane that holds connections and can list them for `jlvsadm -Lc`. */
public interface ConnectionSource {
    /** Adds a view of every live connection and template to {@code into}. Called from a control thread. */
    void collect(List<ConnectionView> into);
}

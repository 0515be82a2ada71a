package io.jlvs.sched;

import io.jlvs.core.sched.Scheduler;
import io.jlvs.core.sched.SchedulerFactory;
import io.jlvs.core.sched.SchedulerOptions;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;

/**
 * Finds schedulers by their ipvsadm name among the {@link SchedulerFactory} implementations on the class
 * path (ServiceLoader, loaded once; the first factory of a name wins).
 */
public final class Schedulers {

    private Schedulers() {
    }

    /** The factory for {@code name} (exact, as ipvsadm spells it), if one is installed. */
    public static Optional<SchedulerFactory> find(String name) {
        return Optional.ofNullable(name == null ? null : Loaded.BY_NAME.get(name));
    }

    /** Every installed scheduler name, sorted. */
    public static Set<String> names() {
        return Loaded.BY_NAME.keySet();
    }

    /**
     * A new scheduler instance.
     *
     * @throws IllegalArgumentException naming the unknown scheduler and the known ones
     */
    public static Scheduler create(String name, SchedulerOptions options) {
        SchedulerFactory f = find(name).orElseThrow(() -> new IllegalArgumentException(
                "unknown scheduler '" + name + "' (known: " + String.join(", ", names()) + ")"));
        return f.create(options == null ? SchedulerOptions.defaults() : options);
    }

    /** Immutable once loaded (initialization-on-demand holder). */
    private static final class Loaded {
        static final Map<String, SchedulerFactory> BY_NAME = load();

        private static Map<String, SchedulerFactory> load() {
            TreeMap<String, SchedulerFactory> m = new TreeMap<>();
            for (SchedulerFactory f : ServiceLoader.load(SchedulerFactory.class, Schedulers.class.getClassLoader())) {
                m.putIfAbsent(f.name(), f);
            }
            return Collections.unmodifiableSortedMap(m);
        }
    }
}

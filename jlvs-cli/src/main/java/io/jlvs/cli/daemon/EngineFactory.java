package io.jlvs.cli.daemon;

import io.jlvs.core.command.IpvsControl;
import java.lang.reflect.InvocationTargetException;

/** Makes the IPVS engine the daemon serves. */
public final class EngineFactory {
    private static final String ENGINE_CLASS = "io.jlvs.engine.IpvsEngine";

    private EngineFactory() {
    }

    /**
     * A new engine. Until {@code io.jlvs.engine.IpvsEngine} is on this branch it is found by name; once it
     * is, this becomes {@code return new io.jlvs.engine.IpvsEngine();}.
     */
    public static IpvsControl create() throws DaemonStartException {
        try {
            Class<?> type = Class.forName(ENGINE_CLASS);
            return (IpvsControl) type.getConstructor().newInstance();
        } catch (ClassNotFoundException e) {
            throw new DaemonStartException("this build has no IPVS engine (" + ENGINE_CLASS + " is missing)", e);
        } catch (InvocationTargetException e) {
            throw new DaemonStartException("cannot create the IPVS engine: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new DaemonStartException("cannot create the IPVS engine: " + e, e);
        }
    }
}

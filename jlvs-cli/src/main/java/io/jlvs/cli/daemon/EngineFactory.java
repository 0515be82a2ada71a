package io.jlvs.cli.daemon;

import io.jlvs.engine.IpvsEngine;

/** Makes the IPVS engine the daemon serves. */
public final class EngineFactory {

    private EngineFactory() {
    }

    /** A new engine with the default settings and every scheduler on the class path. */
    public static IpvsEngine create() {
        return new IpvsEngine();
    }
}

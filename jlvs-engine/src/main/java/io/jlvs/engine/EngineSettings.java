package io.jlvs.engine;

/**
 * @param connTableSize the connection-table size ipvsadm's banner shows (the kernel's default 4096)
 * @param expireQuiescentTemplate see IPVS's expire_quiescent_template
 */
public record EngineSettings(int connTableSize, boolean expireQuiescentTemplate) {
    public static EngineSettings defaults() {
        return new EngineSettings(4096, false);
    }
}

package io.jlvs.config.model;

import java.time.Duration;

/**
 * vrrp_script NAME { ... }: keepalived's defaults are interval 1 s, rise 1, fall 1, weight 0.
 *
 * @param timeout null when not set (then the interval)
 */
public record VrrpScriptDef(String name, String script, Duration interval, Duration timeout, int weight,
        boolean weightReverse, int rise, int fall, String user, boolean initFail) {
}

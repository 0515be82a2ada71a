package io.jlvs.proxy;

import java.time.Duration;

/**
 * Settings of one FULLNAT virtual service that IPVS itself has no field for.
 *
 * @param proxyProtocol         PROXY protocol header sent to real servers (TCP services)
 * @param connectTimeout        how long a connect to a real server may take
 * @param retryOnConnectFailure on a refused or timed-out connect, try once more on another real server
 */
public record FullNatServiceOptions(
        ProxyProtocol proxyProtocol,
        Duration connectTimeout,
        boolean retryOnConnectFailure) {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final FullNatServiceOptions DEFAULTS =
            new FullNatServiceOptions(ProxyProtocol.NONE, DEFAULT_CONNECT_TIMEOUT, true);

    public FullNatServiceOptions {
        proxyProtocol = proxyProtocol == null ? ProxyProtocol.NONE : proxyProtocol;
        connectTimeout = connectTimeout == null ? DEFAULT_CONNECT_TIMEOUT : connectTimeout;
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("connect timeout must be positive: " + connectTimeout);
        }
    }

    public FullNatServiceOptions withProxyProtocol(ProxyProtocol protocol) {
        return new FullNatServiceOptions(protocol, connectTimeout, retryOnConnectFailure);
    }

    public FullNatServiceOptions withConnectTimeout(Duration timeout) {
        return new FullNatServiceOptions(proxyProtocol, timeout, retryOnConnectFailure);
    }

    public FullNatServiceOptions withRetryOnConnectFailure(boolean retry) {
        return new FullNatServiceOptions(proxyProtocol, connectTimeout, retry);
    }
}

package io.jlvs.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.jlvs.core.command.IpvsControl;
import io.jlvs.engine.control.IpvsJson;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin HTTP server: Prometheus {@code /metrics}, the REST API under {@code /api/v1} (docs/api.md)
 * and the live status page at {@code /}. JDK HttpServer, one virtual thread per request. Every change
 * goes through {@link IpvsControl#execute}, so the API validates exactly as jlvsadm does.
 */
public final class AdminServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);

    private final HttpServer server;
    private final ExecutorService executor;
    private final PrometheusRegistry registry;
    private final VrrpSource vrrp;

    private AdminServer(HttpServer server, ExecutorService executor, PrometheusRegistry registry, VrrpSource vrrp) {
        this.server = server;
        this.executor = executor;
        this.registry = registry;
        this.vrrp = vrrp;
    }

    /** Starts with an empty event log and no daemon counters (tests, tools). */
    public static AdminServer start(AdminOptions options, IpvsControl control) throws IOException {
        return start(options, control, new EventLog(), new DaemonCounters());
    }

    /**
     * Binds and starts serving.
     *
     * @param control  the IPVS table (the daemon's {@code IpvsEngine})
     * @param events   where API changes are recorded and the status page reads events from
     * @param counters reloads and drops for /metrics
     * @throws IOException with a one-line reason: the token file is missing, empty or readable by others,
     *                     or the address cannot be bound
     */
    public static AdminServer start(AdminOptions options, IpvsControl control, EventLog events,
                                    DaemonCounters counters) throws IOException {
        AdminToken token = options.tokenFile() == null ? null : AdminToken.read(options.tokenFile());
        ObjectMapper mapper = new ObjectMapper().registerModule(IpvsJson.module());
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new IpvsMetrics(control, counters));
        VrrpSource vrrp = new VrrpSource();
        registry.register(new VrrpMetrics(vrrp));

        HttpServer server;
        InetSocketAddress bind = new InetSocketAddress(options.host(), options.port());
        if (bind.isUnresolved()) {
            throw new IOException("admin address " + options.host() + " does not resolve");
        }
        try {
            server = HttpServer.create(bind, 0);
        } catch (java.net.BindException e) {
            throw new IOException("cannot listen on " + options.host() + ":" + options.port() + " for the admin API: "
                    + e.getMessage(), e);
        }
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext("/metrics", new MetricsHandler(registry));
        server.createContext(ApiExchange.PREFIX, new ApiHandler(Map.of(
                "services", new ServicesResource(control, events),
                "connections", new ConnectionsResource(control),
                "stats", new StatsResource(control),
                "timeouts", new TimeoutsResource(control, events),
                "health", new HealthResource(),
                "events", new EventsResource(events),
                "vrrp", new VrrpResource(vrrp)), token, mapper, options.maxBodyBytes()));
        server.createContext("/", new StatusPageHandler());
        server.start();
        AdminServer s = new AdminServer(server, executor, registry, vrrp);
        log.info("admin API on http://{}/ ({})", s.authority(),
                token == null ? "read-only: no token file" : "changes need the bearer token");
        return s;
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The metrics registry, for the daemon to register more collectors (e.g. keepalived_* families). */
    public PrometheusRegistry registry() {
        return registry;
    }

    /**
     * Where GET /api/v1/vrrp, the status page and the VRRP metrics read the running instances from (the daemon's
     * {@code VrrpService::views}); until this is called there are none. Any thread; called per request and scrape.
     */
    public void vrrpInstances(java.util.function.Supplier<java.util.List<VrrpInstanceView>> source) {
        vrrp.set(source);
    }

    private String authority() {
        InetSocketAddress a = address();
        String host = a.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    /** Stops listening, ends exchanges in progress, and stops the request threads. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}

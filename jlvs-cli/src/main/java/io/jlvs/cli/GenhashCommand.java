package io.jlvs.cli;

import io.jlvs.core.IpAddress;
import io.jlvs.health.Genhash;
import io.jlvs.health.HttpProtocol;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jlvs genhash}: keepalived's genhash. Fetches a url and prints the MD5 of its body, the value an
 * HTTP_GET/SSL_GET url block's {@code digest} wants.
 */
@Command(name = "genhash", mixinStandardHelpOptions = true,
        description = "Print the MD5 digest of a URL's body, for HTTP_GET/SSL_GET 'digest' (keepalived's genhash).")
public final class GenhashCommand implements Callable<Integer> {
    @Option(names = {"-s", "--server"}, required = true, paramLabel = "ADDRESS", description = "Real server address.")
    String server;

    @Option(names = {"-p", "--port"}, paramLabel = "PORT", description = "Port (default: 80, 443 with -S).")
    Integer port;

    @Option(names = {"-u", "--url"}, required = true, paramLabel = "PATH", description = "The url path, e.g. /index.html.")
    String url;

    @Option(names = {"-S", "--use-ssl"}, description = "Fetch over TLS (certificates are not verified, as SSL_GET).")
    boolean ssl;

    @Option(names = {"-I", "--use-sni"}, description = "Send the virtual host as TLS SNI.")
    boolean sni;

    @Option(names = {"-V", "--use-virtualhost"}, paramLabel = "HOST", description = "Host header to send.")
    String virtualhost;

    @Option(names = {"-P", "--protocol"}, paramLabel = "1.0|1.0C|1.1", defaultValue = "1.0",
            description = "HTTP protocol (default: ${DEFAULT-VALUE}).")
    String protocol;

    @Option(names = {"-t", "--timeout"}, paramLabel = "SECONDS", defaultValue = "5",
            description = "Connect and read timeout (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = {"-v", "--verbose"}, description = "Print the response header before the digest.")
    boolean verbose;

    private final PrintStream out;
    private final PrintStream err;

    public GenhashCommand() {
        this(System.out, System.err);
    }

    GenhashCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() {
        IpAddress address;
        try {
            address = IpAddress.parse(server);
        } catch (IllegalArgumentException e) {
            err.println("jlvs genhash: '" + server + "' is not an IP address");
            return 2;
        }
        HttpProtocol proto = null;
        for (HttpProtocol p : HttpProtocol.values()) {
            if (p.configName().equals(protocol)) {
                proto = p;
            }
        }
        if (proto == null) {
            err.println("jlvs genhash: unknown protocol '" + protocol + "' (1.0, 1.0C or 1.1)");
            return 2;
        }
        int p = port != null ? port : ssl ? 443 : 80;
        return new Genhash(address, p, url, ssl, sni, virtualhost, proto, Duration.ofSeconds(timeoutSeconds), verbose)
                .run(out, err);
    }
}

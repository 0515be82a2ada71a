package io.jlvs.cli.vrrp;

import io.jlvs.config.KeepalivedParser;
import io.jlvs.config.model.KeepalivedConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The lab's jlvs daemon stand-in, run in a child JVM inside a namespace: a {@link VrrpService} from a
 * keepalived.conf. Prints {@code EVENT line} for each event and {@code READY pid}; stdin {@code reload FILE}
 * reloads (then {@code RELOADED}), {@code stop} or end of input closes (then {@code STOPPED}).
 */
public final class VrrpServiceMain {
    private VrrpServiceMain() {
    }

    static KeepalivedConfig parse(String file) {
        return KeepalivedParser.forHost().parse(Path.of(file)).config();
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = System.out;
        VrrpService service = VrrpService.start(parse(args[0]), e -> out.println("EVENT " + e));
        service.warnings().forEach(w -> out.println("WARN " + w));
        out.println("READY " + ProcessHandle.current().pid());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null && !line.trim().equals("stop"); line = in.readLine()) {
            if (line.startsWith("reload ")) {
                service.reload(parse(line.substring(7).trim()));
                out.println("RELOADED");
            }
        }
        service.close();
        out.println("STOPPED");
        out.flush();
    }
}

package io.jlvs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class GenhashCommandTest {

    @Test
    void printsTheMd5OfTheBodyAsADigestLineAndFailsClearlyWhenNothingListens() throws Exception {
        byte[] body = "<html>jlvs real server</html>\n".getBytes(StandardCharsets.UTF_8);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/index.html", ex -> {
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = new CommandLine(new GenhashCommand(new PrintStream(out, true), new PrintStream(err, true)))
                    .execute("-s", "127.0.0.1", "-p", String.valueOf(server.getAddress().getPort()), "-u", "/index.html");
            assertThat(code).as(err.toString()).isZero();
            String expected = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(body));
            assertThat(out.toString().strip()).isEqualTo(expected);
        } finally {
            server.stop(0);
        }
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new CommandLine(new GenhashCommand(new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true)))
                .execute("-s", "127.0.0.1", "-p", "1", "-u", "/", "-t", "2");
        assertThat(code).isEqualTo(1);
        assertThat(err.toString().lines()).hasSize(1);
    }
}

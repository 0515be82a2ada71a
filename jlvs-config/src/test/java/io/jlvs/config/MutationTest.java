package io.jlvs.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Robustness: thousands of inputs mutated from the corpus with a fixed seed, plus hostile ones (a 1 MB
 * token, 10,000-deep nesting, include loops, a huge ~SEQ). Nothing may escape the parser, and no input may
 * run away: a quadratic walk over a 1 MB input would take minutes, so the bound is 10 s per input even though
 * the worst input takes ~0.3 s on an idle machine (the printed line shows the figures of the run; under the
 * load of parallel builds the same input took 2.7 s, which a tighter bound turned into a false failure).
 */
class MutationTest {
    private static final long SEED = 0x6a6c7673L;
    private static final int MUTANTS = 3000;
    /** The bound for each input (the mean must stay 20 times below it): catches runaways, not slowness. */
    private static final long MAX_NANOS_PER_INPUT = 10_000_000_000L;

    @TempDir
    Path dir;

    @Test
    void mutatedAndHostileInputsNeverThrowAndStayFast() throws IOException {
        Files.writeString(dir.resolve("loop-a.conf"), "include loop-b.conf\nglobal_defs {\n}\n");
        Files.writeString(dir.resolve("loop-b.conf"), "include loop-a.conf\ninclude *.conf\n");
        Files.writeString(dir.resolve("self.conf"), "include self.conf\ninclude ./self.conf\n");
        List<byte[]> seeds = new ArrayList<>();
        for (String f : Corpus.files()) {
            seeds.add(Files.readAllBytes(Corpus.ROOT.resolve(f)));
        }
        List<String> inputs = new ArrayList<>(hostile());
        Random rnd = new Random(SEED);
        for (int i = 0; i < MUTANTS; i++) {
            inputs.add(mutate(seeds.get(rnd.nextInt(seeds.size())), rnd));
        }
        KeepalivedParser parser = new KeepalivedParser("testhost", HostInterfaces.of(Set.of("eth0")), SEED);
        long worst = 0;
        String worstInput = "";
        long start = System.nanoTime();
        int rejected = 0;
        for (String in : inputs) {
            long t0 = System.nanoTime();
            ParseResult r = parser.parse("fuzz.conf", in, dir);
            long took = System.nanoTime() - t0;
            assertThat(r.config()).isNotNull();
            assertThat(r.problems()).noneMatch(p -> p.message().startsWith("internal error"));
            rejected += r.accepted() ? 0 : 1;
            if (took > worst) {
                worst = took;
                worstInput = in.length() > 120 ? in.substring(0, 120) + "..." : in;
            }
        }
        long total = System.nanoTime() - start;
        System.out.printf("[mutation] %d inputs in %d ms (mean %.3f ms, worst %.1f ms: %s), %d rejected%n",
                inputs.size(), total / 1_000_000, total / 1e6 / inputs.size(), worst / 1e6,
                worstInput.lines().findFirst().orElse(""), rejected);
        assertThat(total / inputs.size()).isLessThan(MAX_NANOS_PER_INPUT / 20);
        assertThat(worst).as("slowest input: " + worstInput).isLessThan(MAX_NANOS_PER_INPUT);
        assertThat(rejected).isGreaterThan(MUTANTS / 2);
    }

    private static List<String> hostile() {
        List<String> out = new ArrayList<>();
        out.add("global_defs {\n router_id " + "x".repeat(1 << 20) + "\n}\n");
        out.add("x".repeat(1 << 20));
        out.add("{".repeat(10_000) + "}".repeat(10_000));
        out.add("{\n".repeat(10_000) + "}\n".repeat(10_000));
        out.add("virtual_server 10.0.0.1 80 {\n".repeat(10_000));
        out.add("virtual_server 10.0.0.1 80 {\n real_server 10.0.0.2 80 {\n TCP_CHECK {\n".repeat(3_000)
                + "}\n".repeat(9_000));
        out.add("virtual_server_group G {\n" + "10.0.0.1-255 80\n".repeat(2_000) + "}\n");
        out.add("include loop-a.conf\n");
        out.add("include self.conf\ninclude *.conf\n");
        out.add("~SEQ(n, 1, 1000000000) global_defs { router_id $n }\n");
        out.add("~SEQ(a, 1, 50) ~SEQ(b, 1, 50) ~SEQ(c, 1, 50) router_id $a$b$c\n");
        out.add("$A=$A$A$A$A\n$A\n$B=${B}${B}\n${B}\n");
        out.add("$M=a \\\n$M \\\n$M\n$M\n");
        // a long multi-line definition (built line by line), and one that uses itself on each of many lines
        out.add("$L=a \\\n" + "global_defs { router_id b } \\\n".repeat(50_000) + "c\n$L\n");
        out.add("$R=x \\\n" + ("y".repeat(900) + " $R \\\n").repeat(500) + "$R\n$R\n");
        out.add("\"".repeat(100_000));
        out.add("\0".repeat(10_000));
        out.add("@" + "x".repeat(100_000) + " router_id y\n");
        out.add("include " + "*/".repeat(50) + "*\n");
        return out;
    }

    private static String mutate(byte[] seed, Random rnd) {
        byte[] b = seed.clone();
        int ops = 1 + rnd.nextInt(4);
        for (int i = 0; i < ops && b.length > 0; i++) {
            int at = rnd.nextInt(b.length);
            switch (rnd.nextInt(7)) {
                case 0 -> b[at] ^= (byte) (1 << rnd.nextInt(8));
                case 1 -> b = splice(b, at, Math.min(b.length - at, 1 + rnd.nextInt(40)), new byte[0]);
                case 2 -> b = splice(b, at, 0, new byte[] {0});
                case 3 -> b = splice(b, at, 0, pick(rnd).getBytes(StandardCharsets.ISO_8859_1));
                case 4 -> b = splice(b, at, 0, java.util.Arrays.copyOfRange(b, at, Math.min(b.length, at + 1 + rnd.nextInt(200))));
                case 5 -> b = java.util.Arrays.copyOf(b, at);
                default -> b[at] = (byte) rnd.nextInt(256);
            }
        }
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    private static String pick(Random rnd) {
        String[] bits = {"{", "}", "\"", "#", "!", "\\", "\n", "$X", "${", "~SEQ(", "@testhost ", "@^", "include *\n",
            "includem nope\n", " 99999999999999999999 ", " -1 ", " 0 ", "real_server", "virtual_server group",
            "TCP_CHECK {", "lb_kind TUN type gue", "$X=1\n", "$Y=a \\\n"};
        return bits[rnd.nextInt(bits.length)];
    }

    private static byte[] splice(byte[] b, int at, int remove, byte[] insert) {
        byte[] out = new byte[b.length - remove + insert.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(b, at + remove, out, at + insert.length, b.length - at - remove);
        return out;
    }
}

package io.jlvs.cli.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.cli.JlvsMain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** The man pages are hand-written; these checks keep them from drifting away from the command lines. */
class ManPageTest {
    @Test
    void jlvsadmPageDocumentsEverySwitchJlvsadmAccepts() throws Exception {
        String page = Dist.manText("jlvsadm.8");
        List<String> missing = new ArrayList<>();
        for (Dist.AdmSwitch s : Dist.admSwitches()) {
            if (!page.contains("--" + s.longName())) {
                missing.add("--" + s.longName());
            }
            if (s.shortName() != '\0' && !page.matches("(?s).*(?<![\\w-])-" + s.shortName() + "\\b.*")) {
                missing.add("-" + s.shortName());
            }
        }
        assertThat(Dist.admSwitches()).hasSizeGreaterThan(50);
        assertThat(missing).as("switches jlvsadm knows but jlvsadm.8 does not mention").isEmpty();
    }

    @Test
    void jlvsPageDocumentsEveryCommandAndOption() throws Exception {
        String page = Dist.manText("jlvs.8");
        List<String> missing = new ArrayList<>();
        collect(JlvsMain.commandLine(), page, missing);
        assertThat(missing).as("commands and options of jlvs that jlvs.8 does not mention").isEmpty();
    }

    private static void collect(CommandLine cl, String page, List<String> missing) {
        for (OptionSpec o : cl.getCommandSpec().options()) {
            for (String name : o.names()) {
                if (!page.contains(name)) {
                    missing.add(cl.getCommandSpec().qualifiedName() + " " + name);
                }
            }
        }
        for (var sub : cl.getSubcommands().entrySet()) {
            if (!page.contains(".B " + sub.getKey())) {
                missing.add("command " + sub.getKey());
            }
            collect(sub.getValue(), page, missing);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jlvs.8", "jlvsadm.8"})
    void pagesFormatWithoutWarnings(String page) throws Exception {
        io.jlvs.testkit.Lab.require(Files.isExecutable(Path.of("/usr/bin/groff")), "needs groff (apt-get install groff-base)");
        Dist.Result r = Dist.run(Dist.root(), List.of("groff", "-man", "-Tutf8", "-ww", "-z", Dist.dist("man/" + page).toString()));
        assertThat(r.status()).isZero();
        assertThat(r.output()).as("groff warnings").isEmpty();
    }
}

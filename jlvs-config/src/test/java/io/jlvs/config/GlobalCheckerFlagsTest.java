package io.jlvs.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.config.model.GlobalDefs;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** checker_log_all_failures and rs_init_notifies as keepalived 2.2.7's global_parser.c reads them. */
class GlobalCheckerFlagsTest {

    private static ParseResult parse(String globals) {
        return Corpus.parser().parse("k.conf", "global_defs {\n" + globals + "}\n", Path.of("."));
    }

    @Test
    void bareIsOnAndAWordSetsEither() {
        GlobalDefs g = parse("  checker_log_all_failures\n  rs_init_notifies yes\n").config().globalDefs();
        assertThat(g.checkerLogAllFailures()).isTrue();
        assertThat(g.rsInitNotifies()).isTrue();
        g = parse("  checker_log_all_failures\n  checker_log_all_failures off\n  rs_init_notifies false\n")
                .config().globalDefs();
        assertThat(g.checkerLogAllFailures()).isFalse();
        assertThat(g.rsInitNotifies()).isFalse();
        assertThat(parse("").config().globalDefs().rsInitNotifies()).isFalse();
    }

    @Test
    void anInvalidWordIsReportedWithKeepalivedsWordingAndChangesNothing() {
        ParseResult r = parse("  rs_init_notifies\n  checker_log_all_failures maybe\n  rs_init_notifies maybe\n");
        assertThat(ConfigCheck.lines(r)).containsExactly(
                "(k.conf: Line 3) Invalid value for checker_log_all_failures specified",
                "(k.conf: Line 4) Invalid value 'maybe' for global rs_init_notifies specified");
        assertThat(r.config().globalDefs().checkerLogAllFailures()).isFalse();
        assertThat(r.config().globalDefs().rsInitNotifies()).isTrue();
    }
}

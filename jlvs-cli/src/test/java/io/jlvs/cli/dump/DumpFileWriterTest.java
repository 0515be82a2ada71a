package io.jlvs.cli.dump;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DumpFileWriterTest {
    @TempDir
    Path dir;

    @Test
    void writesTheFileWithMode0600AndReplacesAnOldOne() throws IOException {
        DumpFileWriter writer = new DumpFileWriter(dir);
        Files.writeString(dir.resolve("keepalived.data"), "old and longer text\n");
        Files.setPosixFilePermissions(dir.resolve("keepalived.data"), PosixFilePermissions.fromString("rw-r--r--"));

        Path written = writer.write("keepalived.data", "new\n");

        assertThat(written).isEqualTo(dir.resolve("keepalived.data")).hasContent("new");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(written))).isEqualTo("rw-------");
        try (var files = Files.list(dir)) {
            assertThat(files).as("no temp file left").containsExactly(written);
        }
    }

    @Test
    void aSymlinkAtTheTargetIsRefusedAndNotFollowed() throws IOException {
        Path victim = Files.writeString(dir.resolve("victim"), "keep me\n");
        Path link = Files.createSymbolicLink(dir.resolve("keepalived.stats"), victim);
        DumpFileWriter writer = new DumpFileWriter(dir);

        assertThatThrownBy(() -> writer.write("keepalived.stats", "VRRP Instance: VI_1\n"))
                .isInstanceOf(IOException.class).hasMessageContaining("symbolic link");

        assertThat(victim).hasContent("keep me");
        assertThat(Files.isSymbolicLink(link)).isTrue();
        try (var files = Files.list(dir)) {
            assertThat(files).as("no temp file left").containsExactlyInAnyOrder(victim, link);
        }
    }

    @Test
    void aDanglingSymlinkIsRefusedToo() throws IOException {
        Path target = dir.resolve("elsewhere");
        Files.createSymbolicLink(dir.resolve("keepalived.json"), target);

        assertThatThrownBy(() -> new DumpFileWriter(dir).write("keepalived.json", "[]\n"))
                .isInstanceOf(IOException.class);

        assertThat(target).doesNotExist();
    }

    @Test
    void aDirectoryAtTheTargetIsRefused() throws IOException {
        Files.createDirectory(dir.resolve("keepalived.data"));

        assertThatThrownBy(() -> new DumpFileWriter(dir).write("keepalived.data", "x\n"))
                .isInstanceOf(IOException.class).hasMessageContaining("not a regular file");
    }
}

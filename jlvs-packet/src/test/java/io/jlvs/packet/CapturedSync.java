package io.jlvs.packet;

import io.jlvs.packet.sync.SyncConn;
import io.jlvs.packet.sync.SyncDropReason;
import io.jlvs.packet.sync.SyncMaster;
import io.jlvs.packet.sync.SyncMessageReader;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** A sync master's output kept as the messages it sent, and their records read back (any drop fails). */
final class CapturedSync implements SyncMaster.Output {
    final List<byte[]> messages = new ArrayList<>();

    @Override
    public void send(ByteBuffer message) {
        byte[] b = new byte[message.remaining()];
        message.get(b);
        messages.add(b);
    }

    @Override
    public void close() {
    }

    /** The records of one message; a record the reader drops fails the test. */
    static List<SyncConn> decode(byte[] message) {
        List<SyncConn> out = new ArrayList<>();
        SyncMessageReader.read(ByteBuffer.wrap(message), 0, new SyncMessageReader.Sink() {
            @Override
            public void accept(SyncConn conn) {
                out.add(conn);
            }

            @Override
            public void dropped(SyncDropReason reason) {
                throw new AssertionError("dropped " + reason);
            }
        });
        return out;
    }
}

package io.jlvs.core.io;

import java.lang.foreign.MemorySegment;

/** Receives one frame; the bytes are valid only during the call (they live in a ring slot). */
@FunctionalInterface
public interface FrameHandler {
    void onFrame(MemorySegment buffer, long offset, int length);
}

package io.jlvs.packet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AddressIndexTest {

    @Test
    void holdsAtMostHalfItsCapacityAndFindsEveryEntry() {
        AddressIndex index = new AddressIndex(64);
        int added = 0;
        while (index.put(0x0a000000 + added + 1, added % 5)) {
            added++;
        }
        assertThat(added).isEqualTo(32);
        for (int i = 0; i < added; i++) {
            assertThat(index.hop(0x0a000000 + i + 1)).isEqualTo(i % 5);
        }
        assertThat(index.hop(0x0b000001)).isEqualTo(-1);
        assertThat(index.put(0x0a000001, 4)).as("changing an entry needs no room").isTrue();
        assertThat(index.peek(0x0a000001)).isEqualTo(4);
        assertThatThrownBy(() -> index.put(0, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aSweepReportsWhichEntriesWereLookedUpAndClearsTheMarks() {
        AddressIndex index = new AddressIndex(16);
        index.put(1, 1);
        index.put(2, 1);
        index.hop(1);
        index.peek(2); // the writer's look does not count
        Map<Integer, Boolean> seen = new HashMap<>();
        index.sweep((a, h, used) -> seen.put(a, used));
        assertThat(seen).containsEntry(1, true).containsEntry(2, false);
        seen.clear();
        index.sweep((a, h, used) -> seen.put(a, used));
        assertThat(seen).containsEntry(1, false).containsEntry(2, false);
    }

    @Test
    void aCopyRenumbersKeepsUsedMarksAndLeavesOutWhatItIsTold() {
        AddressIndex index = new AddressIndex(16);
        index.put(1, 3);
        index.put(2, 4);
        index.hop(2);
        AddressIndex copy = index.copy(64, (a, h) -> a == 1 ? -1 : h - 3);
        assertThat(copy.size()).isEqualTo(1);
        assertThat(copy.peek(1)).isEqualTo(-1);
        assertThat(copy.peek(2)).isEqualTo(1);
        Map<Integer, Boolean> seen = new HashMap<>();
        copy.sweep((a, h, used) -> seen.put(a, used));
        assertThat(seen).containsExactly(Map.entry(2, true));
    }
}

package io.jlvs.conn;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.state.DestinationState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Random creates, lookups and deletes checked against a HashMap, with a small key space to force collisions. */
class RandomModelTest {
    private record Key(int protocol, boolean v6, long cHi, long cLo, int cport, long vHi, long vLo, int vport) {
    }

    private record Entry(int id, Key key, long dHi, long dLo, int dport) {
    }

    @Test
    void tableAgreesWithAHashMapModel() {
        for (long seed = 1; seed <= 5; seed++) {
            run(seed);
        }
    }

    private void run(long seed) {
        Random rnd = new Random(seed);
        int capacity = 300;
        ConnTable table = new ConnTable(capacity, ConnTableSettings.DEFAULTS, io.jlvs.core.view.Timeouts.DEFAULTS,
                rnd.nextLong(), 0);
        DestinationState rs = Flows.server(Flows.RS1, 80, ForwardingMethod.MASQ);
        Map<Key, Entry> model = new HashMap<>();
        List<Key> keys = new ArrayList<>();
        long drops = 0;
        for (int op = 0; op < 60_000; op++) {
            Key k = randomKey(rnd);
            int choice = rnd.nextInt(10);
            if (choice < 4) {
                if (model.containsKey(k)) {
                    continue;
                }
                long dHi = k.v6 ? rnd.nextInt(3) : 0;
                long dLo = rnd.nextInt(4);
                int dport = 80 + rnd.nextInt(2);
                int id = table.create(k.protocol, k.v6, k.cHi, k.cLo, k.cport, k.vHi, k.vLo, k.vport,
                        k.v6, dHi, dLo, dport, rs, false, ConnTable.NO_ENTRY, 0);
                if (model.size() == capacity) {
                    assertThat(id).isEqualTo(ConnTable.NO_ENTRY);
                    drops++;
                } else {
                    assertThat(id).isNotNegative();
                    model.put(k, new Entry(id, k, dHi, dLo, dport));
                    keys.add(k);
                }
            } else if (choice < 8) {
                Entry e = model.get(k);
                int found = table.lookupIn(k.protocol, k.v6, k.cHi, k.cLo, k.cport, k.vHi, k.vLo, k.vport);
                assertThat(found).isEqualTo(e == null ? ConnTable.NO_ENTRY : e.id);
                if (e != null) {
                    // replies carry no virtual address: any entry with the same reverse key may answer
                    List<Integer> sameReply = model.values().stream()
                            .filter(o -> o.key.protocol == k.protocol && o.key.v6 == k.v6 && o.key.cHi == k.cHi
                                    && o.key.cLo == k.cLo && o.key.cport == k.cport && o.dHi == e.dHi
                                    && o.dLo == e.dLo && o.dport == e.dport)
                            .map(Entry::id).toList();
                    assertThat(table.lookupOut(k.protocol, k.v6, e.dHi, e.dLo, e.dport, k.cHi, k.cLo, k.cport))
                            .isIn(sameReply);
                }
            } else if (!keys.isEmpty()) {
                Key victim = keys.remove(rnd.nextInt(keys.size()));
                Entry e = model.remove(victim);
                assertThat(table.expireNow(e.id, 0)).isTrue();
                assertThat(table.lookupIn(victim.protocol, victim.v6, victim.cHi, victim.cLo, victim.cport,
                        victim.vHi, victim.vLo, victim.vport)).isEqualTo(ConnTable.NO_ENTRY);
            }
            assertThat(table.size()).isEqualTo(model.size());
        }
        assertThat(table.drops()).isEqualTo(drops);
        assertThat(rs.inactiveConns()).isEqualTo(model.size());
        for (Entry e : model.values()) {
            Key k = e.key;
            assertThat(table.lookupIn(k.protocol, k.v6, k.cHi, k.cLo, k.cport, k.vHi, k.vLo, k.vport)).isEqualTo(e.id);
        }
        assertThat(table.list(0)).hasSize(model.size());
    }

    private static Key randomKey(Random rnd) {
        boolean v6 = rnd.nextInt(4) == 0;
        int protocol = switch (rnd.nextInt(3)) {
            case 0 -> 6;
            case 1 -> 17;
            default -> 132;
        };
        long cHi = v6 ? rnd.nextInt(2) : 0;
        long cLo = rnd.nextInt(8);
        int cport = 1024 + rnd.nextInt(12);
        long vHi = v6 ? rnd.nextInt(2) : 0;
        long vLo = rnd.nextInt(2);
        int vport = 80 + rnd.nextInt(2);
        return new Key(protocol, v6, cHi, cLo, cport, vHi, vLo, vport);
    }
}

package io.jlvs.vrrp.lab;

import io.jlvs.vrrp.runtime.LinuxVrrpHost;
import io.jlvs.vrrp.runtime.VrrpRouter;
import io.jlvs.vrrp.runtime.VrrpRouterListener;
import io.jlvs.vrrp.settings.VrrpInstanceSettings;
import io.jlvs.vrrp.state.VrrpState;
import java.io.FileReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * bench/vrrp-jitter.sh's jlvs side: one {@link VrrpRouter} (settings as {@link VrrpRouterMain} reads them) in a JVM
 * that also runs {@code storm} threads allocating as fast as they can while keeping {@code retainMb} MiB of it
 * alive (objects of 64 B to 64 KiB replaced at random, so the old generation churns too). Runs for
 * {@code seconds}, then stops gracefully and prints {@code ALLOCATED <MiB>} and the router's transitions.
 * Usage: VrrpJitterMain PROPERTIES STORM_THREADS RETAIN_MB SECONDS
 */
public final class VrrpJitterMain {
    private VrrpJitterMain() {
    }

    public static void main(String[] args) throws Exception {
        Properties p = new Properties();
        try (FileReader r = new FileReader(args[0], StandardCharsets.UTF_8)) {
            p.load(r);
        }
        int storm = Integer.parseInt(args[1]);
        int retainMb = Integer.parseInt(args[2]);
        long seconds = Long.parseLong(args[3]);
        VrrpInstanceSettings s = VrrpRouterMain.settings(p);
        VrrpRouter router = new VrrpRouter(List.of(s), List.of(), new LinuxVrrpHost(), System::nanoTime,
                new VrrpRouterListener() {
                    @Override
                    public void transition(String instance, VrrpState from, VrrpState to) {
                        System.out.println("TRANSITION " + instance + " " + from + " " + to + " " + System.nanoTime());
                    }
                });
        router.start();
        AtomicLong allocated = new AtomicLong();
        List<Thread> threads = new java.util.ArrayList<>();
        for (int i = 0; i < storm; i++) {
            long seed = i;
            int slots = Math.max(1, retainMb * 1024 / storm / 8);   // about 8 KiB per slot on average
            threads.add(Thread.ofPlatform().daemon().name("storm-" + i).start(() -> allocate(seed, slots, allocated)));
        }
        System.out.println("READY " + ProcessHandle.current().pid());
        Thread.sleep(seconds * 1000);
        router.stop();
        System.out.println("ALLOCATED " + allocated.get() / (1024 * 1024));
        System.out.flush();
    }

    private static void allocate(long seed, int slots, AtomicLong allocated) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Object[] live = new Object[slots];
        long local = 0;
        while (true) {
            int size = 64 << rnd.nextInt(11);        // 64 B .. 64 KiB
            byte[] b = new byte[size];
            b[size - 1] = 1;
            live[rnd.nextInt(slots)] = b;
            local += size;
            if (local > (64 << 20)) {
                allocated.addAndGet(local);
                local = 0;
            }
        }
    }
}

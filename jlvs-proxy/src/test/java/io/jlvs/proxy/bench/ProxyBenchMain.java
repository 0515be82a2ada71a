package io.jlvs.proxy.bench;

import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.IpAddress;
import io.jlvs.core.Protocol;
import io.jlvs.core.command.IpvsCommand;
import io.jlvs.core.model.InetServiceKey;
import io.jlvs.core.model.RealServer;
import io.jlvs.core.model.VirtualService;
import io.jlvs.core.sched.SchedulerFactory;
import io.jlvs.engine.EngineSettings;
import io.jlvs.engine.IpvsEngine;
import io.jlvs.proxy.FullNatProxy;
import io.jlvs.proxy.ProxySettings;
import io.jlvs.proxy.ProxyTransportKind;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.internal.PlatformDependent;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * The FULLNAT proxy for bench/proxy.sh: one TCP wlc service on 127.0.0.1 per group of arguments
 * ({@code vip-port rs-port... [-- vip-port rs-port...]}), real servers on 127.0.0.1, real schedulers
 * from jlvs-sched. Prints {@code ready <transport> unsafe=<bool>} once every service listens, then runs
 * until killed. {@code -Djlvs.bench.loops=N} sets the event loops (default: one per core),
 * {@code -Djlvs.bench.transport=auto|relay|io_uring|epoll|nio} the transport.
 */
public final class ProxyBenchMain {
    private ProxyBenchMain() {
    }

    public static void main(String[] args) throws Exception {
        List<SchedulerFactory> schedulers = ServiceLoader.load(SchedulerFactory.class).stream()
                .map(ServiceLoader.Provider::get).toList();
        IpvsEngine engine = new IpvsEngine(EngineSettings.defaults(), schedulers);
        IpAddress lo = IpAddress.parse("127.0.0.1");
        List<InetServiceKey> keys = new ArrayList<>();
        InetServiceKey key = null;
        for (String a : args) {
            if (a.equals("--")) {
                key = null;
            } else if (key == null) {
                key = new InetServiceKey(Protocol.TCP, lo, Integer.parseInt(a));
                engine.execute(new IpvsCommand.AddService(VirtualService.of(key, "wlc")));
                keys.add(key);
            } else {
                engine.execute(new IpvsCommand.AddServer(key,
                        RealServer.of(lo, Integer.parseInt(a), ForwardingMethod.FULLNAT, 1)));
            }
        }
        ProxySettings settings = ProxySettings.defaults();
        String loops = System.getProperty("jlvs.bench.loops");
        if (loops != null) {
            settings = settings.withEventLoops(Integer.parseInt(loops));
        }
        String transport = System.getProperty("jlvs.bench.transport");
        if (transport != null) {
            settings = settings.withTransport(ProxyTransportKind.parse(transport));
        }
        FullNatProxy proxy = new FullNatProxy(engine, settings);
        for (InetServiceKey k : keys) {
            proxy.listening(k).get();
        }
        ByteBuf probe = ByteBufAllocator.DEFAULT.ioBuffer(2048);
        String buffers = ByteBufAllocator.DEFAULT.getClass().getSimpleName() + " io=" + (probe.isDirect() ? "direct" : "heap")
                + (probe.hasMemoryAddress() ? "+address" : "");
        probe.release();
        System.out.println("ready " + proxy.transportName() + " unsafe=" + PlatformDependent.hasUnsafe()
                + " directPreferred=" + PlatformDependent.directBufferPreferred() + " " + buffers
                + " loops=" + settings.eventLoops() + " gc=" + ManagementFactory.getGarbageCollectorMXBeans().stream()
                .map(GarbageCollectorMXBean::getName).toList());
        System.out.flush();
        Thread.currentThread().join();
    }
}

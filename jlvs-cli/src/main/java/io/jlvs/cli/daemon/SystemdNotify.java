package io.jlvs.cli.daemon;

import io.jlvs.sys.NativeIoException;
import io.jlvs.sys.Syscalls;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * sd_notify(3) for a {@code Type=notify} unit: one AF_UNIX datagram per state change to the socket named
 * by {@code $NOTIFY_SOCKET} (a path, or an abstract name written {@code @name}). Without that variable
 * every call does nothing. A failed send is logged once and never stops the daemon.
 */
public final class SystemdNotify {
    /** The environment variable systemd sets for a notify service. */
    public static final String ENV = "NOTIFY_SOCKET";

    private static final Logger log = LoggerFactory.getLogger(SystemdNotify.class);
    private static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int MSG_NOSIGNAL = 0x4000;
    /** sizeof(sun_path) in struct sockaddr_un. */
    private static final int SUN_PATH = 108;

    private final String socket;
    private boolean warned;

    private SystemdNotify(String socket) {
        this.socket = socket;
    }

    /** Notifies the socket in {@code env}'s NOTIFY_SOCKET, or nothing when it is unset or empty. */
    public static SystemdNotify fromEnvironment(Map<String, String> env) {
        String value = env.get(ENV);
        return new SystemdNotify(value == null || value.isEmpty() ? null : value);
    }

    /** Sends nothing, ever. */
    public static SystemdNotify disabled() {
        return new SystemdNotify(null);
    }

    /** True when there is a socket to notify. */
    public boolean enabled() {
        return socket != null;
    }

    /** READY=1 with a one-line STATUS: start-up has finished. */
    public boolean ready(String status) {
        return send("READY=1\nSTATUS=" + oneLine(status));
    }

    /** RELOADING=1: a reload has begun; {@link #ready} ends it. */
    public boolean reloading() {
        return send("RELOADING=1\nMONOTONIC_USEC=" + System.nanoTime() / 1000);
    }

    /** STOPPING=1: shutdown has begun. */
    public boolean stopping() {
        return send("STOPPING=1\nSTATUS=stopping");
    }

    /** STATUS=...: what {@code systemctl status} shows. */
    public boolean status(String status) {
        return send("STATUS=" + oneLine(status));
    }

    private static String oneLine(String text) {
        return text.replace('\n', ' ');
    }

    /**
     * Sends {@code state} (newline-separated VAR=value assignments) as one datagram.
     *
     * @return true when it was sent; false when disabled or the send failed (logged once)
     */
    public synchronized boolean send(String state) {
        if (socket == null) {
            return false;
        }
        Syscalls sys = new Syscalls();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment address = address(socket, arena);
            byte[] bytes = state.getBytes(StandardCharsets.UTF_8);
            MemorySegment data = arena.allocate(bytes.length);
            MemorySegment.copy(bytes, 0, data, ValueLayout.JAVA_BYTE, 0, bytes.length);
            int fd = sys.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
            try {
                if (sys.sendto(fd, data, bytes.length, MSG_NOSIGNAL, address) != bytes.length) {
                    throw new NativeIoException("sendto (short or would block)", 0);
                }
            } finally {
                sys.close(fd);
            }
            return true;
        } catch (NativeIoException | IllegalArgumentException e) {
            if (!warned) {
                warned = true;
                log.warn("cannot notify systemd at {}: {}", socket, e.getMessage());
            }
            return false;
        }
    }

    /**
     * struct sockaddr_un for {@code name}, sized as the kernel wants it: a path is NUL-terminated, an
     * abstract name ({@code @name}) starts with a NUL byte and is not terminated.
     *
     * @throws IllegalArgumentException when the name is not a path or abstract name, or is too long
     */
    static MemorySegment address(String name, Arena arena) {
        boolean isAbstract = name.startsWith("@");
        if (!isAbstract && !name.startsWith("/")) {
            throw new IllegalArgumentException("not an absolute path or @abstract name: " + name);
        }
        byte[] path = (isAbstract ? name.substring(1) : name).getBytes(StandardCharsets.UTF_8);
        int pathBytes = path.length + 1;
        if (pathBytes > SUN_PATH) {
            throw new IllegalArgumentException("socket name longer than " + (SUN_PATH - 1) + " bytes: " + name);
        }
        MemorySegment address = arena.allocate(2 + pathBytes);
        address.set(ValueLayout.JAVA_SHORT, 0, (short) AF_UNIX);
        MemorySegment.copy(path, 0, address, ValueLayout.JAVA_BYTE, isAbstract ? 3 : 2, path.length);
        return address;
    }
}

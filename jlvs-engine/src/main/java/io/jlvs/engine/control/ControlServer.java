package io.jlvs.engine.control;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jlvs.core.command.IpvsControl;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's end of the control socket: binds a Unix domain socket (mode 0600, in a 0700 directory it
 * creates when missing), serves each client on its own virtual thread against an {@link IpvsControl},
 * and removes the socket file on {@link #close()}. Refuses to start when something already answers on
 * the path; removes a stale socket file left by a dead daemon.
 */
public final class ControlServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ControlServer.class);

    private final Path path;
    private final ServerSocketChannel listener;
    private final Object fileKey;
    private final ControlHandler handler;
    private final ObjectMapper mapper;
    /** Open client connections; owned by their serving threads, closed by {@link #close()}. */
    private final Set<SocketChannel> clients = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong clientIds = new AtomicLong();
    private final Thread acceptor;

    private ControlServer(Path path, ServerSocketChannel listener, Object fileKey, ControlHandler handler,
                          ObjectMapper mapper) {
        this.path = path;
        this.listener = listener;
        this.fileKey = fileKey;
        this.handler = handler;
        this.mapper = mapper;
        this.acceptor = Thread.ofVirtual().name("jlvs-control-accept").unstarted(this::acceptLoop);
    }

    /**
     * Binds {@code path} and starts serving {@code control}.
     *
     * @throws IOException with a message fit for the user when the socket cannot be had
     */
    public static ControlServer start(Path path, IpvsControl control) throws IOException {
        Path socket = path.toAbsolutePath();
        prepareDirectory(socket.getParent());
        removeStaleSocket(socket);
        ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            listener.bind(UnixDomainSocketAddress.of(socket));
        } catch (BindException e) {
            listener.close();
            throw new IOException("cannot bind the control socket " + socket + ": " + e.getMessage()
                    + " (another jlvs daemon starting?)", e);
        } catch (IOException e) {
            listener.close();
            throw new IOException("cannot bind the control socket " + socket + ": " + e.getMessage(), e);
        }
        Object key;
        try {
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
            key = identity(socket);
        } catch (IOException | UnsupportedOperationException e) {
            listener.close();
            Files.deleteIfExists(socket);
            throw new IOException("cannot set the mode of the control socket " + socket + ": " + e.getMessage(), e);
        }
        ObjectMapper mapper = new ObjectMapper();
        ControlServer server = new ControlServer(socket, listener, key,
                new ControlHandler(control, mapper, ProcessHandle.current().pid()), mapper);
        server.acceptor.start();
        return server;
    }

    /** The socket file this server listens on. */
    public Path path() {
        return path;
    }

    private static void prepareDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("cannot create the control socket in " + dir + ": not a directory");
        }
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (FileAlreadyExistsException e) {
            // created concurrently; fine if it is a directory
            if (!Files.isDirectory(dir)) {
                throw new IOException("cannot create the control socket in " + dir + ": not a directory", e);
            }
        } catch (IOException e) {
            throw new IOException("cannot create the directory " + dir + " for the control socket: " + reason(e), e);
        }
    }

    private static void removeStaleSocket(Path socket) throws IOException {
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return;
        }
        if (!attrs.isOther()) {
            throw new IOException("cannot use " + socket + " as the control socket: it exists and is not a socket");
        }
        boolean answered;
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            answered = probe.isConnected();
        } catch (IOException e) {
            answered = false;
        }
        if (answered) {
            throw new IOException("another jlvs daemon is already running on " + socket
                    + " (stop it first, or pick another --socket)");
        }
        // nobody listens: a socket left by a daemon that died
        log.info("removing stale control socket {}", socket);
        Files.deleteIfExists(socket);
    }

    /** Device, inode and modification time: tells our socket file from a later one at the same path. */
    private static List<Object> identity(Path socket) throws IOException {
        BasicFileAttributes a = Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        return Arrays.asList(a.fileKey(), a.lastModifiedTime());
    }

    private static String reason(IOException e) {
        return switch (e) {
            case java.nio.file.AccessDeniedException a -> "permission denied";
            case java.nio.file.FileSystemException f when f.getReason() != null -> f.getReason();
            default -> String.valueOf(e.getMessage());
        };
    }

    private void acceptLoop() {
        while (!closed.get()) {
            SocketChannel client;
            try {
                client = listener.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (closed.get()) {
                    return;
                }
                // out of descriptors or the like: say so, back off, keep serving
                log.warn("control socket {}: accept failed: {}", path, e.getMessage());
                try {
                    Thread.sleep(100);
                } catch (InterruptedException ie) {
                    return;
                }
                continue;
            }
            clients.add(client);
            if (closed.get()) {
                closeQuietly(client);
                return;
            }
            Thread.ofVirtual().name("jlvs-control-" + clientIds.incrementAndGet()).start(() -> serve(client));
        }
    }

    private void serve(SocketChannel client) {
        try (client) {
            InputStream in = Channels.newInputStream(client);
            OutputStream out = Channels.newOutputStream(client);
            LineReader reader = new LineReader(in, ControlProtocol.MAX_REQUEST_BYTES);
            while (true) {
                byte[] line;
                try {
                    line = reader.readLine();
                } catch (LineReader.LineTooLongException e) {
                    send(out, handler.error(ProtocolError.REQUEST_TOO_LARGE.name(), "request longer than "
                            + ControlProtocol.MAX_REQUEST_BYTES + " bytes; closing the connection"));
                    return;
                }
                if (line == null) {
                    return;
                }
                if (isBlank(line)) {
                    continue;
                }
                send(out, handler.handle(line));
            }
        } catch (IOException e) {
            if (!closed.get()) {
                log.debug("control client dropped: {}", e.getMessage());
            }
        } finally {
            clients.remove(client);
        }
    }

    private void send(OutputStream out, ObjectNode response) throws IOException {
        byte[] body = mapper.writeValueAsBytes(response);
        byte[] framed = new byte[body.length + 1];
        System.arraycopy(body, 0, framed, 0, body.length);
        framed[body.length] = '\n';
        out.write(framed);
    }

    private static boolean isBlank(byte[] line) {
        for (byte b : line) {
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return true;
    }

    /** Stops accepting, drops the clients, removes the socket file (if it is still ours). Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closeQuietly(listener);
        clients.forEach(ControlServer::closeQuietly);
        try {
            if (Objects.equals(identity(path), fileKey)) {
                Files.deleteIfExists(path);
            }
        } catch (NoSuchFileException e) {
            // already gone
        } catch (IOException e) {
            log.warn("could not remove the control socket {}: {}", path, e.getMessage());
        }
        try {
            acceptor.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(java.nio.channels.Channel c) {
        try {
            c.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}

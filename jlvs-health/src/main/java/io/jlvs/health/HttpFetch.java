package io.jlvs.health;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * One GET as keepalived's HTTP_GET/SSL_GET sends it, read with every byte bounded by one deadline
 * (connect, TLS handshake, request, status line, headers, body).
 */
final class HttpFetch {

    private final CheckTarget target;
    private final SSLSocketFactory tls;
    private final HttpProtocol protocol;
    private final Duration timeout;
    private final int maxResponseBytes;

    /** @param tls null for plain HTTP */
    HttpFetch(CheckTarget target, SSLSocketFactory tls, HttpProtocol protocol, Duration timeout, int maxResponseBytes) {
        this.target = target;
        this.tls = tls;
        this.protocol = protocol;
        this.timeout = timeout;
        this.maxResponseBytes = maxResponseBytes;
    }

    /** The request keepalived sends (User-Agent KeepAliveClient; Host is the virtualhost, else address:port). */
    String request(String path, String virtualhost) {
        String host;
        if (virtualhost != null) {
            host = virtualhost;
        } else {
            String address = target.address().toString();
            host = (target.address().isV4() ? address : "[" + address + "]") + ":" + target.port();
        }
        return "GET " + path + " HTTP/1." + protocol.minor() + "\r\n"
                + "User-Agent: KeepAliveClient\r\n"
                + (protocol.connectionClose() ? "Connection: close\r\n" : "")
                + "Host: " + host + "\r\n\r\n";
    }

    HttpResponse get(String path, String virtualhost, String sniName, boolean keepBody) throws IOException {
        Deadline deadline = Deadline.after(timeout);
        Socket socket;
        try {
            socket = ProbeSocket.connect(target, deadline);
        } catch (SocketTimeoutException e) {
            throw new HttpProbeException("Timeout connecting");
        } catch (IOException e) {
            throw new HttpProbeException("Connection failed");
        }
        try (Socket s = tls == null ? socket : handshake(socket, sniName, deadline)) {
            OutputStream out = s.getOutputStream();
            try {
                out.write(request(path, virtualhost).getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            } catch (IOException e) {
                throw new HttpProbeException("Cannot send get request to");
            }
            return read(ProbeSocket.boundedInput(s, deadline), keepBody);
        } catch (SocketTimeoutException e) {
            throw new HttpProbeException(tls == null ? "Timeout WEB read" : "Timeout SSL read");
        }
    }

    private Socket handshake(Socket plain, String sniName, Deadline deadline) throws IOException {
        try {
            SSLSocket ssl = (SSLSocket) tls.createSocket(plain, target.address().toString(), target.port(), true);
            SSLParameters params = ssl.getSSLParameters();
            params.setServerNames(sniName == null ? List.of() : List.of(new SNIHostName(sniName)));
            ssl.setSSLParameters(params);
            ssl.setSoTimeout(deadline.remainingMillis());
            ssl.startHandshake();
            return ssl;
        } catch (SocketTimeoutException e) {
            plain.close();
            throw new HttpProbeException("Timeout SSL read");
        } catch (SSLException e) {
            plain.close();
            throw new HttpProbeException("SSL handshake/communication error connecting to");
        } catch (IOException | RuntimeException e) {
            plain.close();
            throw e;
        }
    }

    private HttpResponse read(InputStream in, boolean keepBody) throws IOException {
        byte[] buf = new byte[8192];
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int n;
        int headerEnd = -1;
        byte[] headBytes = new byte[0];
        while (headerEnd < 0) {
            try {
                n = in.read(buf);
            } catch (SocketTimeoutException e) {
                // keepalived: no byte yet is http_response_thread's timeout, later ones http/ssl_read_thread's
                throw new HttpProbeException(head.size() == 0 ? "Timeout WEB read" : readTimeout());
            } catch (IOException e) {
                throw new HttpProbeException(readError());
            }
            if (n < 0) {
                break;
            }
            head.write(buf, 0, n);
            headBytes = head.toByteArray();
            headerEnd = indexOfBlankLine(headBytes);
            if (headerEnd < 0 && head.size() > HttpCheck.MAX_HEADER_BYTES) {
                throw new HttpProbeException("HTTP header too large from");
            }
        }
        if (headerEnd < 0) {
            // keepalived judges a stream that ended before the blank line as empty (http_handle_response)
            throw new HttpProbeException("Read, no data received from ");
        }
        String header = new String(headBytes, 0, headerEnd, StandardCharsets.ISO_8859_1);
        int status = statusCode(header);
        long contentLength = contentLength(header);

        MessageDigest md5 = md5();
        ByteArrayOutputStream body = keepBody ? new ByteArrayOutputStream() : null;
        int bodyStart = headerEnd + 4;
        long received = 0;
        int firstChunk = headBytes.length - bodyStart;
        if (firstChunk > 0) {
            received = consume(headBytes, bodyStart, firstChunk, contentLength, received, md5, body);
        }
        // keepalived (http_read_thread) reads to the end of the stream whatever Content-Length says; the digest
        // covers at most Content-Length bytes, the regex everything received
        while (true) {
            try {
                n = in.read(buf);
            } catch (SocketTimeoutException e) {
                throw new HttpProbeException(readTimeout());
            } catch (IOException e) {
                throw new HttpProbeException(readError());
            }
            if (n < 0) {
                break;
            }
            received = consume(buf, 0, n, contentLength, received, md5, body);
            if (received + headerEnd > maxResponseBytes) {
                throw new HttpProbeException("HTTP response too large from");
            }
        }
        return new HttpResponse(status, header, HexFormat.of().formatHex(md5.digest()),
                body == null ? null : body.toByteArray(), received, contentLength);
    }

    private String readTimeout() {
        return tls == null ? "Timeout HTTP read" : "Timeout SSL read";
    }

    private String readError() {
        return tls == null ? "Read error with" : "SSL read error from";
    }

    private static long consume(byte[] data, int off, int len, long contentLength, long received, MessageDigest md5,
                                ByteArrayOutputStream body) {
        int digested = contentLength < 0 ? len : (int) Math.max(0, Math.min(len, contentLength - received));
        md5.update(data, off, digested);
        if (body != null) {
            body.write(data, off, len);
        }
        return received + len;
    }

    private static int indexOfBlankLine(byte[] b) {
        for (int i = 0; i + 3 < b.length; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /**
     * The status code as keepalived's {@code extract_status_code} reads it: the three characters after the first
     * space of the status line, which must be digits followed by a space ("HTTP/1.1 200 OK"; "HTTP/1.1 200"
     * without a reason phrase is no status); -1 when there is none.
     */
    static int statusCode(String header) {
        int i = 0;
        while (i < header.length() && header.charAt(i) != ' ' && header.charAt(i) != '\r') {
            i++;
        }
        if (i >= header.length() || header.charAt(i) != ' ' || i + 4 >= header.length()
                || header.charAt(i + 4) != ' ') {
            return -1;
        }
        for (int k = i + 1; k <= i + 3; k++) {
            if (header.charAt(k) < '0' || header.charAt(k) > '9') {
                return -1;
            }
        }
        return Integer.parseInt(header.substring(i + 1, i + 4));
    }

    /**
     * Content-Length as keepalived's {@code extract_content_length} finds it: the first {@code Content-Length:}
     * (exactly so written) in the header, digits after optional blanks, up to the end of the line; -1 when absent
     * or not a number.
     */
    static long contentLength(String header) {
        int at = header.indexOf("Content-Length:");
        if (at < 0) {
            return -1;
        }
        int i = at + "Content-Length:".length();
        int end = header.indexOf("\r\n", i);
        String value = (end < 0 ? header.substring(i) : header.substring(i, end)).stripLeading();
        if (value.isEmpty() || !value.chars().allMatch(Character::isDigit)) {
            return -1;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has MD5", e);
        }
    }
}

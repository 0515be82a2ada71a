package io.jlvs.packet;

/**
 * The FTP servers' passive port range ({@code jlvs run --ftp-passive-ports LO-HI}: vsftpd's
 * {@code pasv_min_port}/{@code pasv_max_port}, proftpd's {@code PassivePorts}). With it the data plane takes
 * from the kernel only the TCP an FTP data connection can use: to these ports of an FTP virtual address and
 * from these ports of its NAT real servers (besides the services' own ports and port − 1, the active data
 * port); without it every TCP port of both, so that any FTP server works, as with {@code ip_vs_ftp}.
 */
public record FtpPassivePorts(int from, int to) {
    public FtpPassivePorts {
        if (from < 1 || to > 65535 || from > to) {
            throw new IllegalArgumentException("a passive port range is LO-HI with 1 <= LO <= HI <= 65535: "
                    + from + "-" + to);
        }
    }

    /** {@code LO-HI} (or one port); IllegalArgumentException when it is not one. */
    public static FtpPassivePorts parse(String spec) {
        String s = spec.strip();
        int dash = s.indexOf('-');
        try {
            if (dash < 0) {
                int p = Integer.parseInt(s);
                return new FtpPassivePorts(p, p);
            }
            return new FtpPassivePorts(Integer.parseInt(s.substring(0, dash)), Integer.parseInt(s.substring(dash + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a passive port range is LO-HI with 1 <= LO <= HI <= 65535: " + spec);
        }
    }

    public boolean contains(int port) {
        return port >= from && port <= to;
    }

    @Override
    public String toString() {
        return from + "-" + to;
    }
}

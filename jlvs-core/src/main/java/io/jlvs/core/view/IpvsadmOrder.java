package io.jlvs.core.view;

import io.jlvs.core.IpAddress;
import io.jlvs.core.model.InetServiceKey;
import io.jlvs.core.model.VirtualServiceKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The order {@code ipvsadm -L} lists services and real servers in (unless {@code --nosort}), exactly: libipvs
 * compares fwmarks and IPv4 addresses (and IPv6 addresses word by word) by subtracting them as 32-bit numbers, so
 * two values more than 2^31 apart compare the wrong way round (192.168.1.5 before 10.1.1.5, a mark of 2^31 or
 * more before every address service), and glibc's {@code qsort} sorts with a top-down merge sort, whose result
 * for such an intransitive comparison depends on its splits. Both are reproduced here, starting from the
 * daemon's order (newest first, as IPVS keeps them). Java's own sort may reject an intransitive comparison, so
 * it is not used.
 */
public final class IpvsadmOrder {
    /** libipvs's ipvs_cmp_services. */
    static final Comparator<VirtualServiceKey> SERVICES = (a, b) -> {
        int r = a.fwmark() - b.fwmark();
        if (r != 0) {
            return r;
        }
        r = a.family().linuxValue() - b.family().linuxValue();
        if (r != 0) {
            return r;
        }
        r = a.protocolNumber() - b.protocolNumber();
        if (r != 0) {
            return r;
        }
        if (a instanceof InetServiceKey x && b instanceof InetServiceKey y) {
            r = addresses(x.address(), y.address());
            return r != 0 ? r : x.port() - y.port();
        }
        return 0;
    };

    /** libipvs's ipvs_cmp_dests. */
    static final Comparator<RealServerView> REAL_SERVERS = (a, b) -> {
        int r = addresses(a.server().address(), b.server().address());
        return r != 0 ? r : a.server().port() - b.server().port();
    };

    private IpvsadmOrder() {
    }

    /** {@code services} (in the daemon's order) as ipvsadm -L lists them. */
    public static List<VirtualServiceView> services(List<VirtualServiceView> services) {
        return mergeSort(services, (a, b) -> SERVICES.compare(a.service().key(), b.service().key()));
    }

    /** {@code realServers} (in the daemon's order) as ipvsadm -L lists them. */
    public static List<RealServerView> realServers(List<RealServerView> realServers) {
        return mergeSort(realServers, REAL_SERVERS);
    }

    /**
     * ntohl(a) - ntohl(b) as a C int: for IPv4 (as {@code a}'s family says) the one word, for IPv6 word by word
     * until one differs (an IPv4 address is its word followed by zeros, as in libipvs's union).
     */
    private static int addresses(IpAddress a, IpAddress b) {
        int[] x = words(a);
        int[] y = words(b);
        int n = a.isV4() ? 1 : 4;
        for (int i = 0; i < n; i++) {
            int r = x[i] - y[i];
            if (r != 0) {
                return r;
            }
        }
        return 0;
    }

    private static int[] words(IpAddress a) {
        if (a.isV4()) {
            return new int[] {a.v4(), 0, 0, 0};
        }
        return new int[] {(int) (a.hi() >>> 32), (int) a.hi(), (int) (a.lo() >>> 32), (int) a.lo()};
    }

    /** glibc's msort_with_tmp: halves of n/2 and n - n/2, merged taking the left one unless it compares above. */
    static <T> List<T> mergeSort(List<T> in, Comparator<? super T> cmp) {
        List<T> b = new ArrayList<>(in);
        sort(b, 0, b.size(), cmp, new ArrayList<>(b));
        return b;
    }

    private static <T> void sort(List<T> b, int from, int n, Comparator<? super T> cmp, List<T> tmp) {
        if (n <= 1) {
            return;
        }
        int n1 = n / 2;
        int n2 = n - n1;
        sort(b, from, n1, cmp, tmp);
        sort(b, from + n1, n2, cmp, tmp);
        int i = from;
        int j = from + n1;
        int t = 0;
        while (n1 > 0 && n2 > 0) {
            if (cmp.compare(b.get(i), b.get(j)) <= 0) {
                tmp.set(t++, b.get(i++));
                n1--;
            } else {
                tmp.set(t++, b.get(j++));
                n2--;
            }
        }
        while (n1-- > 0) {
            tmp.set(t++, b.get(i++));
        }
        // what is left of the right half is already in place
        for (int k = 0; k < t; k++) {
            b.set(from + k, tmp.get(k));
        }
    }
}

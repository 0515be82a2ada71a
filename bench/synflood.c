/*
 * synflood: spoofed-source TCP SYN frames (or UDP datagrams) to one VIP:port, for the SYN-flood and UDP-flood
 * benchmarks (bench/synflood.sh, bench/udpflood.sh). Lab use only (root, inside the client namespace of
 * lab/up.sh). Crafts Ethernet/IPv4/TCP SYN (or UDP) frames with random source addresses (in SRC/PREFIX) and
 * ports and sends them through an AF_PACKET socket (sendmmsg, PACKET_QDISC_BYPASS), paced to a rate,
 * bounded by a frame count and by time (alarm()).
 *
 * Usage: synflood IFNAME DST_MAC VIP PORT SRC/PREFIX RATE_PPS MAX_FRAMES MAX_SECONDS [tcp|udp [PAYLOAD]]
 *   RATE_PPS 0: as fast as the socket takes them. udp: datagrams of PAYLOAD bytes (default 32, at most
 *   1400; random bytes, fresh per frame, UDP checksum computed). Prints one line per second (frames sent
 *   that second) and a summary: "sent N frames in S s: R frames/s".
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64
#define FRAME 54 /* TCP: 14 Ethernet + 20 IPv4 + 20 TCP */
#define MAX_PAYLOAD 1400
#define MAX_FRAME (42 + MAX_PAYLOAD) /* UDP: 14 Ethernet + 20 IPv4 + 8 UDP + payload */

static volatile sig_atomic_t stop;
static void on_signal(int sig) { (void)sig; stop = 1; }

static uint64_t rng = 0x9e3779b97f4a7c15ULL;
static inline uint64_t next_rand(void) { /* xorshift64* */
    rng ^= rng >> 12; rng ^= rng << 25; rng ^= rng >> 27;
    return rng * 2685821657736338717ULL;
}

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static uint32_t sum16(const uint8_t *p, int n, uint32_t s) {
    for (int i = 0; i + 1 < n; i += 2) s += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (n & 1) s += (uint32_t)p[n - 1] << 8;
    return s;
}
static uint16_t fold(uint32_t s) {
    while (s >> 16) s = (s & 0xffff) + (s >> 16);
    return (uint16_t)~s;
}

static int parse_mac(const char *s, uint8_t m[6]) {
    unsigned v[6];
    if (sscanf(s, "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) != 6) return -1;
    for (int i = 0; i < 6; i++) m[i] = (uint8_t)v[i];
    return 0;
}

static void fill(uint8_t *f, const uint8_t dmac[6], const uint8_t smac[6], uint32_t src, uint32_t dst,
                 uint16_t sport, uint16_t dport, uint32_t seq) {
    memcpy(f, dmac, 6); memcpy(f + 6, smac, 6); f[12] = 0x08; f[13] = 0x00;
    uint8_t *ip = f + 14, *tcp = f + 34;
    memset(ip, 0, 40);
    ip[0] = 0x45; ip[3] = 40; ip[6] = 0x40; ip[8] = 64; ip[9] = 6;          /* len 40, DF, TTL 64, TCP */
    uint16_t id = (uint16_t)seq; ip[4] = id >> 8; ip[5] = id & 0xff;
    memcpy(ip + 12, &src, 4); memcpy(ip + 16, &dst, 4);                   /* network order already */
    uint16_t c = fold(sum16(ip, 20, 0)); ip[10] = c >> 8; ip[11] = c & 0xff;
    tcp[0] = sport >> 8; tcp[1] = sport & 0xff; tcp[2] = dport >> 8; tcp[3] = dport & 0xff;
    tcp[4] = seq >> 24; tcp[5] = seq >> 16; tcp[6] = seq >> 8; tcp[7] = seq;
    tcp[12] = 5 << 4; tcp[13] = 0x02; tcp[14] = 0xfa; tcp[15] = 0xf0;     /* SYN, window 64240 */
    uint32_t s = sum16(ip + 12, 8, 0) + 6 + 20;                            /* pseudo header */
    c = fold(sum16(tcp, 20, s)); tcp[16] = c >> 8; tcp[17] = c & 0xff;
}

/* A UDP datagram of `payload` random bytes (seeded by r); the frame is 42 + payload bytes. */
static void fill_udp(uint8_t *f, const uint8_t dmac[6], const uint8_t smac[6], uint32_t src, uint32_t dst,
                     uint16_t sport, uint16_t dport, uint64_t r, int payload) {
    memcpy(f, dmac, 6); memcpy(f + 6, smac, 6); f[12] = 0x08; f[13] = 0x00;
    uint8_t *ip = f + 14, *udp = f + 34;
    int ulen = 8 + payload, tlen = 20 + ulen;
    memset(ip, 0, 28);
    ip[0] = 0x45; ip[2] = tlen >> 8; ip[3] = tlen & 0xff; ip[6] = 0x40; ip[8] = 64; ip[9] = 17; /* DF, UDP */
    ip[4] = (uint8_t)(r >> 40); ip[5] = (uint8_t)(r >> 48);
    memcpy(ip + 12, &src, 4); memcpy(ip + 16, &dst, 4);                   /* network order already */
    uint16_t c = fold(sum16(ip, 20, 0)); ip[10] = c >> 8; ip[11] = c & 0xff;
    udp[0] = sport >> 8; udp[1] = sport & 0xff; udp[2] = dport >> 8; udp[3] = dport & 0xff;
    udp[4] = ulen >> 8; udp[5] = ulen & 0xff;
    for (int i = 0; i < payload; i++) { r = r * 6364136223846793005ULL + 1442695040888963407ULL; udp[8 + i] = (uint8_t)(r >> 56); }
    uint32_t s = sum16(ip + 12, 8, 0) + 17 + (uint32_t)ulen;              /* pseudo header */
    c = fold(sum16(udp, ulen, s)); if (c == 0) c = 0xffff;
    udp[6] = c >> 8; udp[7] = c & 0xff;
}

int main(int argc, char **argv) {
    if (argc < 9 || argc > 11) {
        fprintf(stderr, "usage: %s IFNAME DST_MAC VIP PORT SRC/PREFIX RATE_PPS MAX_FRAMES MAX_SECONDS"
                " [tcp|udp [PAYLOAD]]\n", argv[0]);
        return 2;
    }
    int udp = argc > 9 && strcmp(argv[9], "udp") == 0;
    if (argc > 9 && !udp && strcmp(argv[9], "tcp") != 0) { fprintf(stderr, "bad protocol %s\n", argv[9]); return 2; }
    int payload = argc > 10 ? atoi(argv[10]) : 32;
    if (payload < 0 || payload > MAX_PAYLOAD) { fprintf(stderr, "0 <= PAYLOAD <= %d\n", MAX_PAYLOAD); return 2; }
    int frame_len = udp ? 42 + payload : FRAME;
    uint8_t dmac[6], smac[6] = {0x02, 0x00, 0x5e, 0x00, 0x53, 0x01};
    if (parse_mac(argv[2], dmac)) { fprintf(stderr, "bad MAC %s\n", argv[2]); return 2; }
    struct in_addr vip, base;
    if (!inet_pton(AF_INET, argv[3], &vip)) { fprintf(stderr, "bad VIP\n"); return 2; }
    int dport = atoi(argv[4]);
    char *slash = strchr(argv[5], '/');
    if (!slash) { fprintf(stderr, "bad SRC/PREFIX\n"); return 2; }
    *slash = 0;
    int prefix = atoi(slash + 1);
    if (!inet_pton(AF_INET, argv[5], &base) || prefix < 8 || prefix > 32) { fprintf(stderr, "bad SRC/PREFIX\n"); return 2; }
    uint32_t hostmask = prefix == 32 ? 0 : (0xffffffffu >> prefix);
    uint32_t net = ntohl(base.s_addr) & ~hostmask;
    double rate = atof(argv[6]);
    long max_frames = atol(argv[7]);
    int max_seconds = atoi(argv[8]);
    if (max_frames <= 0 || max_frames > 100000000L || max_seconds <= 0 || max_seconds > 600) {
        fprintf(stderr, "bounds: 0 < MAX_FRAMES <= 1e8, 0 < MAX_SECONDS <= 600\n");
        return 2;
    }
    rng ^= (uint64_t)getpid() << 32 ^ (uint64_t)time(NULL);

    int fd = socket(AF_PACKET, SOCK_RAW, 0); /* protocol 0: sends only, receives nothing */
    if (fd < 0) { perror("socket"); return 1; }
    int one = 1;
    setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof one); /* best effort */
    int sndbuf = 4 << 20;
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
    struct sockaddr_ll ll = {0};
    ll.sll_family = AF_PACKET;
    ll.sll_ifindex = (int)if_nametoindex(argv[1]);
    ll.sll_halen = 6;
    memcpy(ll.sll_addr, dmac, 6);
    if (!ll.sll_ifindex) { fprintf(stderr, "no interface %s\n", argv[1]); return 1; }
    if (bind(fd, (struct sockaddr *)&ll, sizeof ll)) { perror("bind"); return 1; }

    signal(SIGALRM, on_signal);
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    alarm((unsigned)max_seconds);

    static uint8_t frames[BATCH][MAX_FRAME];
    struct iovec iov[BATCH];
    struct mmsghdr msgs[BATCH];
    memset(msgs, 0, sizeof msgs);
    for (int i = 0; i < BATCH; i++) {
        iov[i].iov_base = frames[i]; iov[i].iov_len = (size_t)frame_len;
        msgs[i].msg_hdr.msg_iov = &iov[i]; msgs[i].msg_hdr.msg_iovlen = 1;
    }
    long sent = 0, errors = 0, last_sent = 0;
    double start = now_s(), next_report = start + 1;
    while (!stop && sent < max_frames) {
        double t = now_s();
        if (t >= next_report) {
            printf("t=%.0f sent/s=%ld\n", next_report - start, sent - last_sent);
            fflush(stdout);
            last_sent = sent; next_report += 1;
        }
        long n = BATCH;
        if (rate > 0) { /* pace: never ahead of rate * elapsed */
            long allowed = (long)((t - start) * rate) - sent;
            if (allowed <= 0) { struct timespec ts = {0, 200000}; nanosleep(&ts, NULL); continue; }
            if (n > allowed) n = allowed;
        }
        if (n > max_frames - sent) n = max_frames - sent;
        for (long i = 0; i < n; i++) {
            uint64_t r = next_rand();
            uint32_t src = htonl(net | ((uint32_t)r & hostmask));
            uint16_t sport = (uint16_t)(1024 + (r >> 32) % 64512);
            if (udp) fill_udp(frames[i], dmac, smac, src, vip.s_addr, sport, (uint16_t)dport, r, payload);
            else fill(frames[i], dmac, smac, src, vip.s_addr, sport, (uint16_t)dport, (uint32_t)(r >> 16));
        }
        int k = sendmmsg(fd, msgs, (unsigned)n, 0);
        if (k < 0) {
            if (errno == EINTR) continue;
            errors++;
            if (errno == ENOBUFS || errno == EAGAIN) { struct timespec ts = {0, 50000}; nanosleep(&ts, NULL); continue; }
            perror("sendmmsg");
            break;
        }
        sent += k;
    }
    double el = now_s() - start;
    printf("sent %ld frames in %.2f s: %.0f frames/s (send errors %ld)\n", sent, el, sent / el, errors);
    return 0;
}

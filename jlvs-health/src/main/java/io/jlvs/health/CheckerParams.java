package io.jlvs.health;

/** The configuration of one checker block of a real_server, as keepalived.conf describes it. */
public sealed interface CheckerParams
        permits TcpCheck, HttpCheck, MiscCheck, SmtpCheck, DnsCheck, UdpCheck, PingCheck, FileCheck {

    CheckerKind kind();
}

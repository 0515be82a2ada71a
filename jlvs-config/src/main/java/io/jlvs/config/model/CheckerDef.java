package io.jlvs.config.model;

/** A health-checker block inside a real_server. */
public sealed interface CheckerDef
        permits TcpCheck, HttpCheck, MiscCheck, SmtpCheck, DnsCheck, UdpCheck, PingCheck, FileCheck, BfdCheck {

    /** The block keyword: TCP_CHECK, HTTP_GET, ... */
    String keyword();
}

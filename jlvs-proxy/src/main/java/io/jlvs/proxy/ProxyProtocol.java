package io.jlvs.proxy;

/** Whether and how a FULLNAT service tells its real servers the client's address: HAProxy's PROXY protocol. */
public enum ProxyProtocol {
    NONE,
    /** The text header, {@code PROXY TCP4 client vip cport vport\r\n}. */
    V1,
    /** The binary header. */
    V2
}

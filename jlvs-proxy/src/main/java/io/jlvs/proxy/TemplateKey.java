package io.jlvs.proxy;

import io.jlvs.core.IpAddress;
import io.jlvs.core.model.VirtualServiceKey;

/**
 * A persistence template's identity: the service and the client address masked by the service's netmask, and
 * for a {@code --pe sip} service the SIP Call-ID of the datagram that made it (else null).
 */
record TemplateKey(VirtualServiceKey service, IpAddress maskedClient, String callId) {
}

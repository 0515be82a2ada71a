package io.jlvs.health;

import java.io.IOException;

/** An HTTP probe failure with keepalived's debug text ("HTTP status code error to", "Timeout WEB read", ...). */
final class HttpProbeException extends IOException {

    HttpProbeException(String keepalivedText) {
        super(keepalivedText);
    }
}

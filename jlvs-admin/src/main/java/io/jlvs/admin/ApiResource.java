package io.jlvs.admin;

import io.jlvs.core.command.IpvsException;
import java.io.IOException;

/** One REST resource (the first path segment after /api/v1). */
interface ApiResource {
    void handle(ApiExchange ex) throws IOException, IpvsException;
}

package io.jlvs.health;

/**
 * What an HTTP probe read: the status code, the MD5 of the body (hex), the body when it was kept, and the header.
 *
 * @param body          the body bytes (everything after the header, to the end of the stream), or null when not kept
 * @param bodyBytes     how many body bytes were received
 * @param contentLength the header's Content-Length, -1 when none
 */
record HttpResponse(int status, String header, String md5, byte[] body, long bodyBytes, long contentLength) {
}

package io.jlvs.health;

/**
 * What an HTTP probe read: the status code, the MD5 of the body (hex), the body when it was kept, and the header.
 *
 * @param body the body bytes, or null when not kept
 */
record HttpResponse(int status, String header, String md5, byte[] body, long bodyBytes) {
}

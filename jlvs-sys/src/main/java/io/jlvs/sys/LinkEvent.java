package io.jlvs.sys;

/**
 * A link notification from RTNLGRP_LINK: the interface's state after the change.
 *
 * @param removed true for RTM_DELLINK (the interface is gone)
 * @param link    the interface as reported
 */
public record LinkEvent(boolean removed, LinkInfo link) {
}

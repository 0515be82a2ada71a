package io.jlvs.vrrp.notify;

/**
 * The log lines keepalived 2.2.7's VRRP process writes for state changes and elections, word for word
 * (operators grep for them). Taken from keepalived/vrrp/vrrp.c, vrrp_scheduler.c, vrrp_track.c, vrrp_sync.c.
 */
public final class VrrpLogLines {
    private VrrpLogLines() {
    }

    public static String enteringMaster(String i) {
        return "(" + i + ") Entering MASTER STATE";
    }

    public static String enteringBackup(String i) {
        return "(" + i + ") Entering BACKUP STATE";
    }

    public static String enteringBackupInit(String i) {
        return "(" + i + ") Entering BACKUP STATE (init)";
    }

    public static String enteringFault(String i) {
        return "(" + i + ") Entering FAULT STATE";
    }

    public static String enteringFaultInit(String i) {
        return "(" + i + ") Entering FAULT STATE (init)";
    }

    /** Detail-level line when the master-down timer fires. */
    public static String receiveTimeout(String i) {
        return "(" + i + ") Receive advertisement timeout";
    }

    /** A BACKUP (preempting) ignores a lower-priority master. */
    public static String backupDiscardsLowerPriority(String i, int priority, String from) {
        return "(" + i + ") received lower priority (" + priority + ") advert from " + from + " - discarding";
    }

    /** A MASTER hears a lower-priority advert and answers with its own. */
    public static String masterReceivedLower(String i, String from, int priority, int ours, boolean forcing) {
        return "(" + i + ") Received advert from " + from + " with lower priority " + priority + ", ours " + ours
                + (forcing ? ", forcing new election" : "");
    }

    public static String masterReceivedHigher(String i, String from, int priority, int ours) {
        return "(" + i + ") Master received advert from " + from + " with higher priority " + priority + ", ours "
                + ours;
    }

    public static String masterReceivedSameHigherIp(String i, String from, int priority) {
        return "(" + i + ") Master received advert from " + from + " with same priority " + priority
                + " but higher IP address than ours";
    }

    public static String equalPriorityOwnAddress(String i) {
        return "(" + i + ") WARNING - equal priority advert received from remote host with our IP address.";
    }

    public static String bothOwners(String i) {
        return "(" + i + ") CONFIGURATION ERROR: local instance and a remote instance are both configured as"
                + " address owner, please fix - reducing local priority";
    }

    public static String changingPriority(String i, int from, int to) {
        return "(" + i + ") Changing effective priority from " + from + " to " + to;
    }

    /** Detail-level line after the priority 0 advert on leaving MASTER. */
    public static String sentZeroPriority(String i) {
        return "(" + i + ") sent 0 priority";
    }

    public static String backupReceivedZero(String i) {
        return "(" + i + ") Backup received priority 0 advertisement";
    }

    public static String syncGroup(String group, String state) {
        return "VRRP_Group(" + group + ") Syncing instances to " + state + " state";
    }
}

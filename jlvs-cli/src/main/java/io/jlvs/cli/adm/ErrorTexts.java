package io.jlvs.cli.adm;

/**
 * What ipvsadm prints when the kernel refuses a command: libipvs's ipvs_strerror, which words an errno per
 * operation, then falls back to generic texts and strerror.
 */
final class ErrorTexts {
    private ErrorTexts() {
    }

    static String forErrno(AdmCommand command, int errno, String fallback) {
        String specific = switch (command) {
            case ADD -> errno == 17 ? "Service already exists"
                    : errno == 2 ? "Scheduler or persistence engine not found" : null;
            case EDIT -> errno == 3 ? "No such service"
                    : errno == 2 ? "Scheduler or persistence engine not found" : null;
            case DELETE, ZERO, LIST -> errno == 3 ? "No such service" : null;
            case ADD_SERVER -> errno == 3 ? "Service not defined" : errno == 17 ? "Destination already exists" : null;
            case EDIT_SERVER, DELETE_SERVER -> errno == 3 ? "Service not defined"
                    : errno == 2 ? "No such destination" : null;
            case START_DAEMON -> errno == 17 ? "Daemon has already run" : null;
            case STOP_DAEMON -> errno == 3 ? "No daemon is running" : null;
            default -> null;
        };
        if (specific != null) {
            return specific;
        }
        if (errno == 22 && fallback != null && fallback.startsWith("FULLNAT ")) {
            // ipvsadm has no FULLNAT: no wording to keep, so say why the daemon refused
            return fallback;
        }
        return switch (errno) {
            case 1 -> "Permission denied (you must be root)";
            case 22 -> "Invalid operation.  Possibly wrong module version, address not unicast, ...";
            case 92 -> "Protocol not available";
            case 12 -> "Memory allocation problem";
            case 95 -> "Operation not supported with IPv6";
            case 97 -> "Operation not supported with specified address family";
            case 90 -> "Module is wrong version";
            case 2 -> "No such file or directory";
            case 3 -> "No such process";
            case 17 -> "File exists";
            case 34 -> "Numerical result out of range";
            case 19 -> "No such device";
            default -> fallback;
        };
    }
}

package io.jlvs.core.command;

/** Why the IPVS table refused a command; the kernel's errno for it, which ipvsadm turns into a message. */
public enum IpvsError {
    /** EEXIST on a service. */
    SERVICE_EXISTS(17),
    /** ESRCH: the service of the command does not exist. */
    NO_SUCH_SERVICE(3),
    /** EEXIST on a destination. */
    DESTINATION_EXISTS(17),
    /** ENOENT: the destination does not exist. */
    NO_SUCH_DESTINATION(2),
    /** ENOENT: unknown scheduler or persistence engine. */
    SCHEDULER_NOT_FOUND(2),
    /** EINVAL: a value the table will not take. */
    INVALID(22),
    /** ENOMEM: the table is full. */
    NO_MEMORY(12),
    /** ERANGE: a real server's negative weight, or lower threshold above its upper one, as the kernel refuses them. */
    OUT_OF_RANGE(34),
    /** ENODEV: a sync daemon's multicast interface does not exist. */
    NO_SUCH_DEVICE(19);

    private final int errno;

    IpvsError(int errno) {
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }
}

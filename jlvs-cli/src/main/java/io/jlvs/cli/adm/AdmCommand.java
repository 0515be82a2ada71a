package io.jlvs.cli.adm;

/**
 * The commands of ipvsadm, with the names its messages use and its command x option legality row:
 * one character per {@link AdmOption} in ordinal order, '+' compulsory, 'x' illegal, '1' exclusive, ' ' optional.
 */
enum AdmCommand {
    ADD("add-service", "xx+   xxxxxxxxxxxxxxx   xxxxxxxxxxx"),
    EDIT("edit-service", "xx+   xxxxxxxxxxxxxxx   xxxxxxxxxxx"),
    DELETE("delete-service", "xx+xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
    FLUSH("flush", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
    LIST("list", " 11xxxxxxxxx11       xxxxxxx xxxxx "),
    ADD_SERVER("add-server", "xx+xxx+    xxxxxxxxxxxxxxxxxx     x"),
    DELETE_SERVER("delete-server", "xx+xxx+xxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
    EDIT_SERVER("edit-server", "xx+xxx+    xxxxxxxxxxxxxxxxxx     x"),
    SET_TIMEOUT("set", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
    START_DAEMON("start-daemon", "xxxxxxxxxxx xxxxxxx xxxx    xxxxxxx"),
    STOP_DAEMON("stop-daemon", "xxxxxxxxxxxxxxxxxxx xxxxxxxxxxxxxxx"),
    RESTORE("restore", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
    SAVE("save", " xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
    ZERO("zero", "xx xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");

    private final String label;
    private final String row;

    AdmCommand(String label, String row) {
        this.label = label;
        this.row = row;
    }

    /** As ipvsadm names the command in its messages. */
    String label() {
        return label;
    }

    /** '+', 'x', '1' or ' ' for this option with this command. */
    char rule(AdmOption option) {
        return row.charAt(option.ordinal());
    }
}

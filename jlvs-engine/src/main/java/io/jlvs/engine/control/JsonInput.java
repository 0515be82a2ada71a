package io.jlvs.engine.control;

import com.fasterxml.jackson.databind.JsonNode;
import io.jlvs.core.IpAddress;

/**
 * Reads typed fields out of a JSON object, naming the field path in every refusal
 * ({@code server.port: expected an integer in 0..65535, got "x"}). Refusals are {@link IllegalArgumentException}.
 */
final class JsonInput {
    private JsonInput() {
    }

    static String path(String where, String field) {
        return where.isEmpty() ? field : where + "." + field;
    }

    static JsonNode object(JsonNode node, String where) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException(label(where) + "expected an object, got " + shown(node));
        }
        return node;
    }

    static JsonNode object(JsonNode parent, String field, String where) {
        return object(present(parent, field, where), path(where, field));
    }

    static JsonNode array(JsonNode parent, String field, String where) {
        JsonNode n = present(parent, field, where);
        if (!n.isArray()) {
            throw new IllegalArgumentException(path(where, field) + ": expected an array, got " + shown(n));
        }
        return n;
    }

    static boolean has(JsonNode parent, String field) {
        JsonNode n = parent.get(field);
        return n != null && !n.isNull();
    }

    static String text(JsonNode parent, String field, String where) {
        JsonNode n = present(parent, field, where);
        if (!n.isTextual()) {
            throw new IllegalArgumentException(path(where, field) + ": expected a string, got " + shown(n));
        }
        return n.textValue();
    }

    /** The string, or null when the field is absent or null. */
    static String optionalText(JsonNode parent, String field, String where) {
        return has(parent, field) ? text(parent, field, where) : null;
    }

    static long integer(JsonNode parent, String field, String where, long min, long max) {
        JsonNode n = present(parent, field, where);
        if (!n.isIntegralNumber() || !n.canConvertToLong() || n.longValue() < min || n.longValue() > max) {
            throw new IllegalArgumentException(path(where, field) + ": expected an integer in " + min + ".." + max
                    + ", got " + shown(n));
        }
        return n.longValue();
    }

    static long optionalInteger(JsonNode parent, String field, String where, long min, long max, long absent) {
        return has(parent, field) ? integer(parent, field, where, min, max) : absent;
    }

    static int port(JsonNode parent, String field, String where) {
        return (int) integer(parent, field, where, 0, 65535);
    }

    static boolean bool(JsonNode parent, String field, String where, boolean absent) {
        if (!has(parent, field)) {
            return absent;
        }
        JsonNode n = parent.get(field);
        if (!n.isBoolean()) {
            throw new IllegalArgumentException(path(where, field) + ": expected true or false, got " + shown(n));
        }
        return n.booleanValue();
    }

    static <E extends Enum<E>> E enumValue(JsonNode parent, String field, String where, Class<E> type) {
        return enumNamed(present(parent, field, where), path(where, field), type);
    }

    static <E extends Enum<E>> E enumNamed(JsonNode n, String where, Class<E> type) {
        if (n.isTextual()) {
            for (E e : type.getEnumConstants()) {
                if (e.name().equals(n.textValue())) {
                    return e;
                }
            }
        }
        StringBuilder names = new StringBuilder();
        for (E e : type.getEnumConstants()) {
            names.append(names.isEmpty() ? "" : ", ").append(e.name());
        }
        throw new IllegalArgumentException(where + ": expected one of " + names + ", got " + shown(n));
    }

    static IpAddress address(JsonNode parent, String field, String where) {
        String s = text(parent, field, where);
        try {
            return IpAddress.parse(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(path(where, field) + ": not a numeric IP address: \"" + s + "\"", e);
        }
    }

    private static JsonNode present(JsonNode parent, String field, String where) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            throw new IllegalArgumentException(path(where, field) + ": missing");
        }
        return n;
    }

    private static String label(String where) {
        return where.isEmpty() ? "" : where + ": ";
    }

    private static String shown(JsonNode n) {
        if (n == null || n.isMissingNode()) {
            return "nothing";
        }
        String s = n.toString();
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }
}

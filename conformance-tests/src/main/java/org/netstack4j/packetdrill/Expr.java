package org.netstack4j.packetdrill;

import java.util.List;

/**
 * A system-call argument or result as written in a script: integers, symbols, {@code A|B}, strings,
 * {@code ...}, lists {@code [..]}, struct literals {@code {name=value, ...}} and calls such as
 * {@code htons(8080)}.
 */
public sealed interface Expr {

    /** An integer literal (decimal or hex, possibly negative). */
    record Int(long value) implements Expr {
        @Override
        public String toString() {
            return Long.toString(value);
        }
    }

    /** A symbol such as {@code SOCK_STREAM}, {@code NULL} or {@code POLLIN}. */
    record Symbol(String name) implements Expr {
        @Override
        public String toString() {
            return name;
        }
    }

    /** {@code A|B|C}. */
    record BitOr(List<Expr> terms) implements Expr {
        @Override
        public String toString() {
            return String.join("|", terms.stream().map(Object::toString).toList());
        }
    }

    /** {@code ...}: don't care, or an anonymous buffer. */
    record Ellipsis() implements Expr {
        @Override
        public String toString() {
            return "...";
        }
    }

    /** A double-quoted string. */
    record Str(String value) implements Expr {
        @Override
        public String toString() {
            return '"' + value + '"';
        }
    }

    /** {@code [a, b]}: a pointer to a value (or an array of them). */
    record ListOf(List<Expr> items) implements Expr {
        @Override
        public String toString() {
            return items.toString();
        }
    }

    /**
     * One field of a struct literal; {@code count} is the {@code (N)} packetdrill writes after some names,
     * e.g. {@code msg_iov(1)=[...]}, or -1.
     */
    record Field(String name, int count, Expr value) {
    }

    /** {@code {name=value, ...}}. */
    record Struct(List<Field> fields) implements Expr {
        /** The value of field {@code name}, or null. */
        public Expr get(String name) {
            for (Field f : fields) {
                if (f.name().equals(name)) {
                    return f.value();
                }
            }
            return null;
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder("{");
            for (Field f : fields) {
                if (b.length() > 1) {
                    b.append(", ");
                }
                b.append(f.name()).append(f.count() >= 0 ? "(" + f.count() + ")" : "").append('=').append(f.value());
            }
            return b.append('}').toString();
        }
    }

    /** {@code name(args)}, e.g. {@code htons(8080)} or {@code inet_addr("192.0.2.1")}. */
    record Call(String name, List<Expr> args) implements Expr {
        @Override
        public String toString() {
            return name + "(" + String.join(", ", args.stream().map(Object::toString).toList()) + ")";
        }
    }
}

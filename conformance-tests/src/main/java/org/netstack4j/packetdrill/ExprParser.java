package org.netstack4j.packetdrill;

import java.util.ArrayList;
import java.util.List;

/** Reads system-call argument expressions ({@link Expr}) from a {@link ScriptScanner}. */
final class ExprParser {
    private ExprParser() {
    }

    /** {@code term ('|' term)*}. */
    static Expr expr(ScriptScanner in) throws ScriptSyntaxException {
        Expr first = term(in);
        if (!peekBar(in)) {
            return first;
        }
        List<Expr> terms = new ArrayList<>();
        terms.add(first);
        while (peekBar(in)) {
            in.accept("|");
            terms.add(term(in));
        }
        return new Expr.BitOr(List.copyOf(terms));
    }

    private static boolean peekBar(ScriptScanner in) {
        in.skipSpace();
        return in.peek() == '|' && in.peek(1) != '|';
    }

    private static Expr term(ScriptScanner in) throws ScriptSyntaxException {
        in.skipSpace();
        if (in.accept("...")) {
            return new Expr.Ellipsis();
        }
        char c = in.peek();
        if (c == '-' && Character.isDigit(in.peek(1))) {
            in.accept("-");
            return new Expr.Int(-in.integer());
        }
        if (Character.isDigit(c)) {
            return new Expr.Int(in.integer());
        }
        if (c == '"') {
            in.accept("\"");
            return new Expr.Str(in.until("\"", "string"));
        }
        if (c == '[') {
            in.accept("[");
            List<Expr> items = new ArrayList<>();
            if (!in.accept("]")) {
                do {
                    items.add(expr(in));
                } while (in.accept(","));
                in.expect("]", "']' closing the list");
            }
            return new Expr.ListOf(List.copyOf(items));
        }
        if (c == '{') {
            in.accept("{");
            List<Expr.Field> fields = new ArrayList<>();
            if (!in.accept("}")) {
                do {
                    String name = in.word();
                    int count = -1;
                    if (in.accept("(")) {
                        count = in.accept("...") ? -1 : (int) in.integer();
                        in.expect(")", "')' after the field count");
                    }
                    in.expect("=", "'=' after the field name '" + name + "'");
                    fields.add(new Expr.Field(name, count, expr(in)));
                } while (in.accept(","));
                in.expect("}", "'}' closing the struct");
            }
            return new Expr.Struct(List.copyOf(fields));
        }
        if (in.atWord()) {
            String name = in.word();
            in.skipSpace();
            if (in.peek() == '(') {
                in.accept("(");
                return new Expr.Call(name, arguments(in));
            }
            return new Expr.Symbol(name);
        }
        throw in.error("expected a value but found " + in.describeNext());
    }

    /** Arguments after an opening parenthesis, through the closing one. */
    static List<Expr> arguments(ScriptScanner in) throws ScriptSyntaxException {
        List<Expr> args = new ArrayList<>();
        if (in.accept(")")) {
            return List.of();
        }
        do {
            args.add(expr(in));
        } while (in.accept(","));
        in.expect(")", "',' or ')' in the argument list");
        return List.copyOf(args);
    }
}

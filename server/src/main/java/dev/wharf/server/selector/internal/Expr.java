package dev.wharf.server.selector.internal;

import dev.wharf.server.selector.SelectorContext;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A node of a parsed selector. {@link #eval} returns Boolean, Long (exact numeric), Double
 * (approximate numeric), String, or null for UNKNOWN / absent. Nodes are immutable.
 */
public interface Expr {

    /** What a node is known to yield at parse time; ANY for identifiers. */
    enum Type { BOOLEAN, NUMERIC, STRING, ANY }

    Object eval(SelectorContext ctx);

    Type type();

    record Literal(Object value, Type type) implements Expr {
        @Override
        public Object eval(SelectorContext ctx) {
            return value;
        }
    }

    record Identifier(String name) implements Expr {
        @Override
        public Object eval(SelectorContext ctx) {
            Object v = ctx.get(name);
            // Widen byte/short/int to long and float to double so arithmetic sees two kinds only.
            if (v instanceof Byte || v instanceof Short || v instanceof Integer) {
                return ((Number) v).longValue();
            }
            if (v instanceof Float f) {
                return f.doubleValue();
            }
            return v instanceof Long || v instanceof Double || v instanceof String || v instanceof Boolean ? v : null;
        }

        @Override
        public Type type() {
            return Type.ANY;
        }
    }

    record Not(Expr operand) implements Expr {
        @Override
        public Object eval(SelectorContext ctx) {
            Object v = operand.eval(ctx);
            return v instanceof Boolean b ? !b : null;
        }

        @Override
        public Type type() {
            return Type.BOOLEAN;
        }
    }

    record And(Expr left, Expr right) implements Expr {
        @Override
        public Object eval(SelectorContext ctx) {
            Object l = left.eval(ctx);
            if (Boolean.FALSE.equals(l)) {
                return false;
            }
            Object r = right.eval(ctx);
            if (Boolean.FALSE.equals(r)) {
                return false;
            }
            return Boolean.TRUE.equals(l) && Boolean.TRUE.equals(r) ? true : null;
        }

        @Override
        public Type type() {
            return Type.BOOLEAN;
        }
    }

    record Or(Expr left, Expr right) implements Expr {
        @Override
        public Object eval(SelectorContext ctx) {
            Object l = left.eval(ctx);
            if (Boolean.TRUE.equals(l)) {
                return true;
            }
            Object r = right.eval(ctx);
            if (Boolean.TRUE.equals(r)) {
                return true;
            }
            return Boolean.FALSE.equals(l) && Boolean.FALSE.equals(r) ? false : null;
        }

        @Override
        public Type type() {
            return Type.BOOLEAN;
        }
    }

    /** = <> < <= > >= with numeric promotion; unlike types and NULL give UNKNOWN. */
    record Comparison(Token.Kind op, Expr left, Expr right) implements Expr {
        @Override
        public Object eval(SelectorContext ctx) {
            return compare(op, left.eval(ctx), right.eval(ctx));
        }

        static Boolean compare(Token.Kind op, Object l, Object r) {
            if (l == null || r == null) {
                return null;
            }
            int c;
            if (l instanceof Number ln && r instanceof Number rn) {
                c = l instanceof Long && r instanceof Long
                        ? Long.compare(ln.longValue(), rn.longValue())
                        : Double.compare(ln.doubleValue(), rn.doubleValue());
                if (!(l instanceof Long && r instanceof Long) && (Double.isNaN(ln.doubleValue()) || Double.isNaN(rn.doubleValue()))) {
                    return op == Token.Kind.NE;
                }
            } else if ((l instanceof String && r instanceof String) || (l instanceof Boolean && r instanceof Boolean)) {
                if (op != Token.Kind.EQ && op != Token.Kind.NE) {
                    return null;
                }
                c = l.equals(r) ? 0 : 1;
            } else {
                return null;
            }
            switch (op) {
                case EQ: return c == 0;
                case NE: return c != 0;
                case LT: return c < 0;
                case LE: return c <= 0;
                case GT: return c > 0;
                case GE: return c >= 0;
                default: throw new IllegalStateException("not a comparison: " + op);
            }
        }

        @Override
        public Type type() {
            return Type.BOOLEAN;
        }
    }

    /** + - * / over numbers; a non-number or NULL operand, or integer division by zero, gives NULL. */
    record Arithmetic(Token.Kind op, Expr left, Expr right) implements Expr {
        @Override
        public Object eval(SelectorContext ctx) {
            Object l = left.eval(ctx);
            Object r = right.eval(ctx);
            if (!(l instanceof Number ln) || !(r instanceof Number rn)) {
                return null;
            }
            if (l instanceof Long a && r instanceof Long b) {
                switch (op) {
                    case PLUS: return a + b;
                    case MINUS: return a - b;
                    case STAR: return a * b;
                    default: return b == 0 ? null : a / b;
                }
            }
            double a = ln.doubleValue();
            double b = rn.doubleValue();
            switch (op) {
                case PLUS: return a + b;
                case MINUS: return a - b;
                case STAR: return a * b;
                default: return a / b;
            }
        }

        @Override
        public Type type() {
            return Type.NUMERIC;
        }
    }

    record Negate(Expr operand) implements Expr {
        @Override
        public Object eval(SelectorContext ctx) {
            Object v = operand.eval(ctx);
            if (v instanceof Long l) {
                return -l;
            }
            return v instanceof Double d ? -d : null;
        }

        @Override
        public Type type() {
            return Type.NUMERIC;
        }
    }

    /** A unary plus: the operand must still be numeric. */
    record Positive(Expr operand) implements Expr {
        @Override
        public Object eval(SelectorContext ctx) {
            Object v = operand.eval(ctx);
            return v instanceof Number ? v : null;
        }

        @Override
        public Type type() {
            return Type.NUMERIC;
        }
    }

    record Between(Expr value, Expr low, Expr high, boolean negated) implements Expr {
        @Override
        public Object eval(SelectorContext ctx) {
            Object v = value.eval(ctx);
            if (!(v instanceof Number)) {
                return null;
            }
            Object lo = low.eval(ctx);
            Object hi = high.eval(ctx);
            if (!(lo instanceof Number) || !(hi instanceof Number)) {
                // x BETWEEN a AND b is x >= a AND x <= b: one known-false side still decides.
                Boolean ge = lo instanceof Number ? Comparison.compare(Token.Kind.GE, v, lo) : null;
                Boolean le = hi instanceof Number ? Comparison.compare(Token.Kind.LE, v, hi) : null;
                if (Boolean.FALSE.equals(ge) || Boolean.FALSE.equals(le)) {
                    return negated;
                }
                return null;
            }
            boolean in = Comparison.compare(Token.Kind.GE, v, lo) && Comparison.compare(Token.Kind.LE, v, hi);
            return in != negated;
        }

        @Override
        public Type type() {
            return Type.BOOLEAN;
        }
    }

    record In(Identifier identifier, Set<String> values, boolean negated) implements Expr {
        @Override
        public Object eval(SelectorContext ctx) {
            Object v = identifier.eval(ctx);
            if (!(v instanceof String s)) {
                return null;
            }
            return values.contains(s) != negated;
        }

        @Override
        public Type type() {
            return Type.BOOLEAN;
        }
    }

    record Like(Identifier identifier, Pattern pattern, boolean negated) implements Expr {
        @Override
        public Object eval(SelectorContext ctx) {
            Object v = identifier.eval(ctx);
            if (!(v instanceof String s)) {
                return null;
            }
            return pattern.matcher(s).matches() != negated;
        }

        @Override
        public Type type() {
            return Type.BOOLEAN;
        }
    }

    record IsNull(Identifier identifier, boolean negated) implements Expr {
        @Override
        public Object eval(SelectorContext ctx) {
            return (ctx.get(identifier.name()) == null) != negated;
        }

        @Override
        public Type type() {
            return Type.BOOLEAN;
        }
    }

    /** Turns a LIKE pattern into a regular expression: _ one character, % any run, escape as given. */
    static Pattern likePattern(String like, Character escape) {
        StringBuilder regex = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < like.length(); i++) {
            char c = like.charAt(i);
            if (escape != null && c == escape && i + 1 < like.length()) {
                literal.append(like.charAt(++i));
            } else if (c == '_' || c == '%') {
                if (literal.length() > 0) {
                    regex.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                regex.append(c == '_' ? "." : ".*");
            } else {
                literal.append(c);
            }
        }
        if (literal.length() > 0) {
            regex.append(Pattern.quote(literal.toString()));
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }

}

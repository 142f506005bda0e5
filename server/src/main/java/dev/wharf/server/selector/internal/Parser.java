package dev.wharf.server.selector.internal;

import dev.wharf.server.selector.SelectorSyntaxException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Recursive-descent parser of the selector grammar, lowest precedence first:
 * <pre>
 * selector   := or END                       (must be a condition)
 * or         := and (OR and)*
 * and        := not (AND not)*
 * not        := NOT not | predicate
 * predicate  := sum [ cmp sum | [NOT] BETWEEN sum AND sum | [NOT] IN (str, ...)
 *                   | [NOT] LIKE str [ESCAPE str] | IS [NOT] NULL ]
 * sum        := product ((+|-) product)*
 * product    := unary ((*|/) unary)*
 * unary      := (+|-) unary | primary
 * primary    := literal | identifier | ( or )
 * </pre>
 * Type errors visible from literals (a string in arithmetic, {@code 'a' > 'b'}, a number as
 * a condition) are syntax errors; IN, LIKE and IS NULL need an identifier on the left.
 * Not thread-safe; one instance per parse.
 */
public final class Parser {

    private final String text;
    private final List<Token> tokens;
    private final Set<String> identifiers = new LinkedHashSet<>();
    private int index;

    public Parser(String text) throws SelectorSyntaxException {
        this.text = text;
        this.tokens = new Lexer(text).tokens();
    }

    public Set<String> identifiers() {
        return identifiers;
    }

    public Expr parseSelector() throws SelectorSyntaxException {
        Expr e = or();
        if (peek().kind() != Token.Kind.END) {
            throw error("unexpected " + peek() + " after a complete condition", peek());
        }
        requireCondition(e, tokens.get(0));
        return e;
    }

    private Expr or() throws SelectorSyntaxException {
        Expr left = and();
        while (peek().kind() == Token.Kind.OR) {
            Token op = next();
            requireCondition(left, op);
            Expr right = and();
            requireCondition(right, op);
            left = new Expr.Or(left, right);
        }
        return left;
    }

    private Expr and() throws SelectorSyntaxException {
        Expr left = not();
        while (peek().kind() == Token.Kind.AND) {
            Token op = next();
            requireCondition(left, op);
            Expr right = not();
            requireCondition(right, op);
            left = new Expr.And(left, right);
        }
        return left;
    }

    private Expr not() throws SelectorSyntaxException {
        if (peek().kind() == Token.Kind.NOT) {
            Token op = next();
            Expr operand = not();
            requireCondition(operand, op);
            return new Expr.Not(operand);
        }
        return predicate();
    }

    private Expr predicate() throws SelectorSyntaxException {
        Expr left = sum();
        Token t = peek();
        switch (t.kind()) {
            case EQ, NE, LT, LE, GT, GE -> {
                next();
                Expr right = sum();
                checkComparable(t, left, right);
                return new Expr.Comparison(t.kind(), left, right);
            }
            case IS -> {
                next();
                boolean negated = accept(Token.Kind.NOT);
                expect(Token.Kind.NULL, "NULL after IS");
                return new Expr.IsNull(requireIdentifier(left, t), negated);
            }
            case NOT -> {
                next();
                Token what = peek();
                return switch (what.kind()) {
                    case BETWEEN, IN, LIKE -> negatable(left, true);
                    default -> throw error("expected BETWEEN, IN or LIKE after NOT but found " + what, what);
                };
            }
            case BETWEEN, IN, LIKE -> {
                return negatable(left, false);
            }
            default -> {
                return left;
            }
        }
    }

    private Expr negatable(Expr left, boolean negated) throws SelectorSyntaxException {
        Token t = next();
        switch (t.kind()) {
            case BETWEEN -> {
                requireNumeric(left, t);
                Expr low = sum();
                requireNumeric(low, t);
                expect(Token.Kind.AND, "AND in BETWEEN");
                Expr high = sum();
                requireNumeric(high, t);
                return new Expr.Between(left, low, high, negated);
            }
            case IN -> {
                Expr.Identifier id = requireIdentifier(left, t);
                expect(Token.Kind.LPAREN, "( after IN");
                Set<String> values = new LinkedHashSet<>();
                do {
                    values.add(stringLiteral("a string literal in the IN list"));
                } while (accept(Token.Kind.COMMA));
                expect(Token.Kind.RPAREN, ") to close the IN list");
                return new Expr.In(id, Set.copyOf(values), negated);
            }
            default -> {
                Expr.Identifier id = requireIdentifier(left, t);
                String pattern = stringLiteral("a string pattern after LIKE");
                Character escape = null;
                if (peek().kind() == Token.Kind.ESCAPE) {
                    Token esc = next();
                    String e = stringLiteral("a string after ESCAPE");
                    if (e.length() != 1) {
                        throw error("ESCAPE must be a single character, not '" + e + "'", esc);
                    }
                    escape = e.charAt(0);
                }
                return new Expr.Like(id, Expr.likePattern(pattern, escape), negated);
            }
        }
    }

    private Expr sum() throws SelectorSyntaxException {
        Expr left = product();
        while (peek().kind() == Token.Kind.PLUS || peek().kind() == Token.Kind.MINUS) {
            Token op = next();
            Expr right = product();
            requireNumeric(left, op);
            requireNumeric(right, op);
            left = new Expr.Arithmetic(op.kind(), left, right);
        }
        return left;
    }

    private Expr product() throws SelectorSyntaxException {
        Expr left = unary();
        while (peek().kind() == Token.Kind.STAR || peek().kind() == Token.Kind.SLASH) {
            Token op = next();
            Expr right = unary();
            requireNumeric(left, op);
            requireNumeric(right, op);
            left = new Expr.Arithmetic(op.kind(), left, right);
        }
        return left;
    }

    private Expr unary() throws SelectorSyntaxException {
        if (peek().kind() == Token.Kind.MINUS || peek().kind() == Token.Kind.PLUS) {
            Token op = next();
            if (op.kind() == Token.Kind.MINUS && peek().kind() == Token.Kind.EXACT && Lexer.TWO_POW_63.equals(peek().value())) {
                next();
                return new Expr.Literal(Long.MIN_VALUE, Expr.Type.NUMERIC);
            }
            Expr operand = unary();
            requireNumeric(operand, op);
            if (operand instanceof Expr.Literal lit && lit.value() instanceof Long l) {
                return new Expr.Literal(op.kind() == Token.Kind.MINUS ? -l : l, Expr.Type.NUMERIC);
            }
            if (operand instanceof Expr.Literal lit && lit.value() instanceof Double d) {
                return new Expr.Literal(op.kind() == Token.Kind.MINUS ? -d : d, Expr.Type.NUMERIC);
            }
            return op.kind() == Token.Kind.MINUS ? new Expr.Negate(operand) : new Expr.Positive(operand);
        }
        return primary();
    }

    private Expr primary() throws SelectorSyntaxException {
        Token t = next();
        switch (t.kind()) {
            case STRING:
                return new Expr.Literal(t.value(), Expr.Type.STRING);
            case EXACT:
                if (Lexer.TWO_POW_63.equals(t.value())) {
                    throw error(text, "number '" + t.text() + "' is out of range (exact numbers are 64-bit: "
                            + Long.MIN_VALUE + " to " + Long.MAX_VALUE + ")", t.position());
                }
                return new Expr.Literal(t.value(), Expr.Type.NUMERIC);
            case APPROXIMATE:
                return new Expr.Literal(t.value(), Expr.Type.NUMERIC);
            case TRUE:
                return new Expr.Literal(Boolean.TRUE, Expr.Type.BOOLEAN);
            case FALSE:
                return new Expr.Literal(Boolean.FALSE, Expr.Type.BOOLEAN);
            case IDENTIFIER:
                identifiers.add(t.text());
                return new Expr.Identifier(t.text());
            case LPAREN:
                Expr inner = or();
                expect(Token.Kind.RPAREN, ") to close the parenthesis");
                return inner;
            case NULL:
                throw error("NULL can only be tested with IS NULL or IS NOT NULL", t);
            case END:
                throw error("expected a value but found the end of the selector", t);
            default:
                if (isReservedWord(t.kind())) {
                    throw error("'" + t.text() + "' is a reserved word and cannot be used as an identifier", t);
                }
                throw error("expected a value but found " + t, t);
        }
    }

    private static boolean isReservedWord(Token.Kind kind) {
        return switch (kind) {
            case AND, OR, NOT, BETWEEN, LIKE, IN, IS, ESCAPE -> true;
            default -> false;
        };
    }

    private void checkComparable(Token op, Expr left, Expr right) throws SelectorSyntaxException {
        Expr.Type l = left.type();
        Expr.Type r = right.type();
        if (l != Expr.Type.ANY && r != Expr.Type.ANY && l != r) {
            throw error("cannot compare a " + name(l) + " with a " + name(r), op);
        }
        boolean ordering = op.kind() != Token.Kind.EQ && op.kind() != Token.Kind.NE;
        if (ordering && (l == Expr.Type.STRING || l == Expr.Type.BOOLEAN || r == Expr.Type.STRING || r == Expr.Type.BOOLEAN)) {
            throw error("strings and booleans can only be compared with = and <>", op);
        }
    }

    private void requireNumeric(Expr e, Token at) throws SelectorSyntaxException {
        if (e.type() != Expr.Type.NUMERIC && e.type() != Expr.Type.ANY) {
            throw error("'" + at.text() + "' needs a number, not a " + name(e.type()), at);
        }
    }

    private void requireCondition(Expr e, Token at) throws SelectorSyntaxException {
        if (e.type() != Expr.Type.BOOLEAN && e.type() != Expr.Type.ANY) {
            throw error("expected a condition (true or false) but found a " + name(e.type()) + " expression", at);
        }
    }

    private Expr.Identifier requireIdentifier(Expr e, Token at) throws SelectorSyntaxException {
        if (e instanceof Expr.Identifier id) {
            return id;
        }
        throw error(at.text().toUpperCase(java.util.Locale.ROOT) + " needs an identifier on its left", at);
    }

    private String stringLiteral(String what) throws SelectorSyntaxException {
        Token t = next();
        if (t.kind() != Token.Kind.STRING) {
            throw error("expected " + what + " but found " + t, t);
        }
        return (String) t.value();
    }

    private static String name(Expr.Type type) {
        return switch (type) {
            case BOOLEAN -> "boolean";
            case NUMERIC -> "number";
            case STRING -> "string";
            case ANY -> "value";
        };
    }

    private Token peek() {
        return tokens.get(index);
    }

    private Token next() {
        Token t = tokens.get(index);
        if (t.kind() != Token.Kind.END) {
            index++;
        }
        return t;
    }

    private boolean accept(Token.Kind kind) {
        if (peek().kind() == kind) {
            next();
            return true;
        }
        return false;
    }

    private void expect(Token.Kind kind, String what) throws SelectorSyntaxException {
        Token t = next();
        if (t.kind() != kind) {
            throw error("expected " + what + " but found " + t, t);
        }
    }

    private SelectorSyntaxException error(String problem, Token at) {
        return error(text, problem, at.position());
    }

    static SelectorSyntaxException error(String text, String problem, int position) {
        return new SelectorSyntaxException("invalid selector \"" + text + "\": " + problem + " at position " + position);
    }
}

package dev.wharf.server.selector.internal;

import dev.wharf.server.selector.SelectorSyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Splits a selector into tokens: identifiers (Java identifier rules, case-sensitive), the
 * reserved words (case-insensitive), string literals in single quotes with {@code ''} for a
 * quote, exact numerics (decimal, {@code 0x} hex, leading-zero octal, optional {@code L}),
 * approximate numerics ({@code 7E3}, {@code 7.}, {@code .5}, optional {@code F}/{@code D}).
 */
final class Lexer {

    private final String text;
    private int pos;

    Lexer(String text) {
        this.text = text;
    }

    List<Token> tokens() throws SelectorSyntaxException {
        List<Token> tokens = new ArrayList<>();
        while (true) {
            skipWhitespace();
            if (pos >= text.length()) {
                tokens.add(new Token(Token.Kind.END, "", null, pos));
                return tokens;
            }
            tokens.add(next());
        }
    }

    private void skipWhitespace() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    private Token next() throws SelectorSyntaxException {
        int start = pos;
        char c = text.charAt(pos);
        if (c == '\'') {
            return string(start);
        }
        if (Character.isDigit(c) || (c == '.' && pos + 1 < text.length() && Character.isDigit(text.charAt(pos + 1)))) {
            return number(start);
        }
        if (Character.isJavaIdentifierStart(c)) {
            while (pos < text.length() && Character.isJavaIdentifierPart(text.charAt(pos))) {
                pos++;
            }
            String word = text.substring(start, pos);
            Token.Kind keyword = keyword(word);
            return new Token(keyword == null ? Token.Kind.IDENTIFIER : keyword, word, null, start);
        }
        pos++;
        switch (c) {
            case '=': return new Token(Token.Kind.EQ, "=", null, start);
            case '+': return new Token(Token.Kind.PLUS, "+", null, start);
            case '-': return new Token(Token.Kind.MINUS, "-", null, start);
            case '*': return new Token(Token.Kind.STAR, "*", null, start);
            case '/': return new Token(Token.Kind.SLASH, "/", null, start);
            case '(': return new Token(Token.Kind.LPAREN, "(", null, start);
            case ')': return new Token(Token.Kind.RPAREN, ")", null, start);
            case ',': return new Token(Token.Kind.COMMA, ",", null, start);
            case '<':
                if (peek('>')) {
                    return new Token(Token.Kind.NE, "<>", null, start);
                }
                return peek('=') ? new Token(Token.Kind.LE, "<=", null, start) : new Token(Token.Kind.LT, "<", null, start);
            case '>':
                return peek('=') ? new Token(Token.Kind.GE, ">=", null, start) : new Token(Token.Kind.GT, ">", null, start);
            default:
                throw Parser.error(text, "unexpected character '" + c + "'", start);
        }
    }

    private boolean peek(char expected) {
        if (pos < text.length() && text.charAt(pos) == expected) {
            pos++;
            return true;
        }
        return false;
    }

    private Token string(int start) throws SelectorSyntaxException {
        StringBuilder sb = new StringBuilder();
        pos++;
        while (true) {
            if (pos >= text.length()) {
                throw Parser.error(text, "unterminated string literal", start);
            }
            char c = text.charAt(pos++);
            if (c == '\'') {
                if (pos < text.length() && text.charAt(pos) == '\'') {
                    sb.append('\'');
                    pos++;
                } else {
                    return new Token(Token.Kind.STRING, text.substring(start, pos), sb.toString(), start);
                }
            } else {
                sb.append(c);
            }
        }
    }

    /** 2^63, one more than Long.MAX_VALUE: the magnitude of Long.MIN_VALUE. */
    static final java.math.BigInteger TWO_POW_63 = java.math.BigInteger.ONE.shiftLeft(63);
    private static final String TWO_POW_63_DIGITS = TWO_POW_63.toString();

    private Token number(int start) throws SelectorSyntaxException {
        while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '.'
                || ((text.charAt(pos) == '+' || text.charAt(pos) == '-') && isExponentSign(pos)))) {
            pos++;
        }
        String literal = text.substring(start, pos);
        String lower = literal.toLowerCase(Locale.ROOT);
        try {
            if (lower.startsWith("0x")) {
                String digits = lower.endsWith("l") ? lower.substring(2, lower.length() - 1) : lower.substring(2);
                return new Token(Token.Kind.EXACT, literal, Long.parseUnsignedLong(digits, 16), start);
            }
            boolean approximate = lower.contains(".") || lower.contains("e")
                    || lower.endsWith("f") || lower.endsWith("d");
            if (approximate) {
                return new Token(Token.Kind.APPROXIMATE, literal, Double.parseDouble(literal), start);
            }
            String digits = lower.endsWith("l") ? lower.substring(0, lower.length() - 1) : lower;
            if (digits.equals(TWO_POW_63_DIGITS)) {
                // Only valid after a minus sign (Long.MIN_VALUE); the parser decides.
                return new Token(Token.Kind.EXACT, literal, TWO_POW_63, start);
            }
            long value = digits.length() > 1 && digits.startsWith("0") ? Long.parseLong(digits, 8) : Long.parseLong(digits);
            return new Token(Token.Kind.EXACT, literal, value, start);
        } catch (NumberFormatException e) {
            throw Parser.error(text, "invalid number '" + literal + "'", start);
        }
    }

    /** A sign directly after an exponent marker of a decimal number belongs to the number. */
    private boolean isExponentSign(int at) {
        char before = text.charAt(at - 1);
        return (before == 'e' || before == 'E') && !text.substring(0, at).toLowerCase(Locale.ROOT).matches("(?s).*0x[0-9a-f]*e$");
    }

    private static Token.Kind keyword(String word) {
        switch (word.toUpperCase(Locale.ROOT)) {
            case "AND": return Token.Kind.AND;
            case "OR": return Token.Kind.OR;
            case "NOT": return Token.Kind.NOT;
            case "BETWEEN": return Token.Kind.BETWEEN;
            case "LIKE": return Token.Kind.LIKE;
            case "IN": return Token.Kind.IN;
            case "IS": return Token.Kind.IS;
            case "NULL": return Token.Kind.NULL;
            case "TRUE": return Token.Kind.TRUE;
            case "FALSE": return Token.Kind.FALSE;
            case "ESCAPE": return Token.Kind.ESCAPE;
            default: return null;
        }
    }
}

package dev.wharf.server.selector.internal;

/** One lexical token of a selector, with its 0-based position in the text. */
record Token(Kind kind, String text, Object value, int position) {

    enum Kind {
        IDENTIFIER, STRING, EXACT, APPROXIMATE,
        AND, OR, NOT, BETWEEN, LIKE, IN, IS, NULL, TRUE, FALSE, ESCAPE,
        EQ, NE, LT, LE, GT, GE, PLUS, MINUS, STAR, SLASH, LPAREN, RPAREN, COMMA, END
    }

    @Override
    public String toString() {
        return kind == Kind.END ? "the end of the selector" : "'" + text + "'";
    }
}

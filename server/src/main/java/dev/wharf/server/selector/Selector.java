package dev.wharf.server.selector;

import dev.wharf.server.selector.internal.Expr;
import dev.wharf.server.selector.internal.Parser;
import java.util.Collections;
import java.util.Set;

/**
 * A parsed JMS message selector (Jakarta Messaging 3.1, section 3.8.1): the SQL92 conditional
 * subset with arithmetic, comparison, BETWEEN, IN, LIKE with ESCAPE, IS NULL and three-valued
 * logic. A message is selected only when the condition is TRUE; FALSE and UNKNOWN (for example
 * a comparison with an absent property) do not select.
 *
 * <p>Decisions where the specification leaves room: comparing values of unlike types
 * (a string with a number) is UNKNOWN; integer division by zero is UNKNOWN; a comparison,
 * arithmetic or logical operator given a literal of the wrong type is a syntax error, while
 * the same mistake through a property is UNKNOWN at run time.
 *
 * <p>Immutable and thread-safe: LIKE patterns are compiled once, at parse time.
 */
public final class Selector {

    /** Selects every message: what a null or blank selector means. */
    public static final Selector ALL = new Selector("", null, Set.of());

    private final String text;
    private final Expr expr;
    private final Set<String> identifiers;

    private Selector(String text, Expr expr, Set<String> identifiers) {
        this.text = text;
        this.expr = expr;
        this.identifiers = identifiers;
    }

    /**
     * Parses a selector.
     *
     * @return {@link #ALL} for null or blank text
     * @throws SelectorSyntaxException naming the selector, the problem and its position
     */
    public static Selector parse(String text) throws SelectorSyntaxException {
        if (isSelectAll(text)) {
            return ALL;
        }
        Parser parser = new Parser(text);
        Expr expr = parser.parseSelector();
        return new Selector(text, expr, Collections.unmodifiableSet(parser.identifiers()));
    }

    /** True if {@code text} selects everything (null, empty or blank). */
    public static boolean isSelectAll(String text) {
        return text == null || text.isBlank();
    }

    /** True if the condition is TRUE for this message. Never throws for type mismatches. */
    public boolean matches(SelectorContext message) {
        return expr == null || Boolean.TRUE.equals(expr.eval(message));
    }

    public String text() {
        return text;
    }

    /** The identifiers (headers and properties) the selector reads. */
    public Set<String> identifiers() {
        return identifiers;
    }

    @Override
    public String toString() {
        return expr == null ? "Selector[ALL]" : "Selector[" + text + "]";
    }
}

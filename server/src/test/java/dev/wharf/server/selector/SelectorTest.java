package dev.wharf.server.selector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class SelectorTest {

    /** A message with a few properties of every type; absent names are null. */
    private static SelectorContext message(Object... keyValues) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return m::get;
    }

    private static boolean matches(String selector, SelectorContext message) throws SelectorSyntaxException {
        return Selector.parse(selector).matches(message);
    }

    private static final SelectorContext CAR = message("JMSType", "car", "color", "blue", "weight", 3000,
            "NumberOfOrders", 7L, "Country", "UK", "phone", "12993", "word", "lose", "price", 9.5f,
            "active", true, "small", (byte) 2, "medium", (short) 20, "big", 1e300, "JMSPriority", 6,
            "JMSDeliveryMode", "PERSISTENT", "underscored", "_abc", "myProp", 8);

    @ParameterizedTest
    @ValueSource(strings = {
        "JMSType = 'car' AND color = 'blue' AND weight > 2500",
        "NumberOfOrders BETWEEN 5 AND 10",
        "NumberOfOrders NOT BETWEEN 8 AND 10",
        "Country IN ('UK', 'US', 'France')",
        "Country NOT IN ('US', 'France')",
        "phone LIKE '12%3'",
        "word LIKE 'l_se'",
        "underscored LIKE '\\_%' ESCAPE '\\'",
        "missing IS NULL",
        "color IS NOT NULL",
        "(myProp + 3) * 2 > 20",
        "price > 9 AND price < 10",
        "price = 9.5",
        "weight = 3000.0",
        "small * medium = 40",
        "active",
        "active = TRUE",
        "TRUE",
        "NOT FALSE",
        "JMSPriority > 4",
        "JMSDeliveryMode = 'PERSISTENT'",
        "weight / 7 = 428",
        "-weight < 0",
        "big > 1E299",
        "0x10 = 16 AND 010 = 8 AND 7L = 7",
        "word <> 'lost'",
        "color = 'blue' or color = 'red'",
        "NOT (weight < 100)",
        ".5 < 1 AND 7. = 7 AND 7E3 = 7000 AND 1.5f < 2",
    })
    void selectsMatchingMessage(String selector) throws Exception {
        assertTrue(matches(selector, CAR), selector);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "JMSType = 'truck'",
        "NumberOfOrders BETWEEN 8 AND 10",
        "Country IN ('US', 'France')",
        "phone LIKE '12%4'",
        "word LIKE 'l_s'",
        "color IS NULL",
        "FALSE",
        "color > 5",
        "color + 1 = 2",
        "word = 'LOSE'",
        "weight / 0 = 1",
    })
    void doesNotSelectNonMatchingMessage(String selector) throws Exception {
        assertFalse(matches(selector, CAR), selector);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "missing > 5",
        "NOT (missing > 5)",
        "missing = 'x'",
        "NOT (missing = 'x')",
        "missing BETWEEN 1 AND 2",
        "missing NOT BETWEEN 1 AND 2",
        "missing IN ('a')",
        "missing NOT IN ('a')",
        "missing LIKE 'a%'",
        "missing NOT LIKE 'a%'",
        "missing + 1 > 0",
        "missing",
        "NOT missing",
    })
    void nullPropertyMakesTheConditionUnknownSoNeitherItNorItsNegationSelects(String selector) throws Exception {
        assertFalse(matches(selector, CAR), selector);
    }

    @ParameterizedTest
    @CsvSource({
        // left, right, AND, OR  (T, F, U = unknown through a missing property)
        "T, T, true, true",
        "T, F, false, true",
        "T, U, false, true",
        "F, U, false, false",
        "U, U, false, false",
        "U, F, false, false",
        "U, T, false, true",
    })
    void threeValuedLogicFollowsTheSpecificationTables(String l, String r, boolean and, boolean or) throws Exception {
        String left = operand(l);
        String right = operand(r);
        assertEquals(and, matches(left + " AND " + right, CAR), left + " AND " + right);
        assertEquals(or, matches(left + " OR " + right, CAR), left + " OR " + right);
    }

    @Test
    void unknownAndFalseIsFalseSoItsNegationSelects() throws Exception {
        assertTrue(matches("NOT (missing > 1 AND color = 'red')", CAR));
        assertFalse(matches("NOT (missing > 1 AND color = 'blue')", CAR));
        assertTrue(matches("NOT (missing > 1 OR color = 'blue') OR TRUE", CAR));
    }

    private static String operand(String v) {
        return switch (v) {
            case "T" -> "(color = 'blue')";
            case "F" -> "(color = 'red')";
            default -> "(missing = 1)";
        };
    }

    @Test
    void keywordsAreCaseInsensitiveAndIdentifiersCaseSensitive() throws Exception {
        assertTrue(matches("color = 'blue' and Country in ('UK') AND NOT weight between 1 and 2", CAR));
        assertFalse(matches("Color = 'blue'", CAR));
    }

    @Test
    void longRangeEndsAreExactLiteralsWithOrWithoutSuffix() throws Exception {
        SelectorContext m = message("min", Long.MIN_VALUE, "max", Long.MAX_VALUE);
        assertTrue(matches("min = " + Long.MIN_VALUE + "L AND max = " + Long.MAX_VALUE + "L", m));
        assertTrue(matches("min = " + Long.MIN_VALUE + " AND max = " + Long.MAX_VALUE, m));
        assertTrue(matches("min < -9223372036854775807", m));
    }

    @Test
    void twoToThe63WithoutMinusIsOutOfRange() {
        SelectorSyntaxException e = assertThrows(SelectorSyntaxException.class, () -> Selector.parse("x = 9223372036854775808"));
        assertTrue(e.getMessage().contains("out of range"), e.getMessage());
    }

    @Test
    void stringLiteralsUnescapeDoubledQuotes() throws Exception {
        assertTrue(matches("name = 'O''Brien'", message("name", "O'Brien")));
    }

    @Test
    void likeTreatsRegexCharactersLiterally() throws Exception {
        assertTrue(matches("p LIKE 'a.b*c%'", message("p", "a.b*cde")));
        assertFalse(matches("p LIKE 'a.b*c%'", message("p", "axb*cde")));
        assertTrue(matches("p LIKE '%\\%%' ESCAPE '\\'", message("p", "100% sure")));
    }

    @Test
    void nanNeverEqualsAndIsNeverOrdered() throws Exception {
        SelectorContext m = message("d", Double.NaN);
        assertFalse(matches("d = d", m));
        assertFalse(matches("d > 1", m));
        assertTrue(matches("d <> 1", m));
    }

    @Test
    void blankSelectorSelectsEverything() throws Exception {
        assertSame(Selector.ALL, Selector.parse(null));
        assertSame(Selector.ALL, Selector.parse("   "));
        assertTrue(Selector.ALL.matches(message()));
    }

    @Test
    void identifiersAreReported() throws Exception {
        assertEquals(Set.of("a", "JMSPriority"), Selector.parse("a > 1 AND JMSPriority = 4").identifiers());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "color = | expected a value but found the end of the selector at position 7",
        "(a = 1 | expected ) to close the parenthesis but found the end of the selector",
        "a = 'open | unterminated string literal at position 4",
        "AND = 1 | 'AND' is a reserved word",
        "a = 1 b | unexpected 'b' after a complete condition",
        "5 | expected a condition",
        "a + 1 | expected a condition",
        "'abc' | expected a condition",
        "a = 1 AND 5 | expected a condition",
        "weight > 'heavy' | strings and booleans can only be compared with = and <>",
        "'a' > 'b' | strings and booleans can only be compared with = and <>",
        "'a' + 1 = 2 | '+' needs a number, not a string",
        "a = 'x' AND 3 = 'y' | cannot compare a number with a string",
        "a LIKE 'x' ESCAPE 'ab' | ESCAPE must be a single character",
        "a IN (1, 2) | expected a string literal in the IN list",
        "5 LIKE 'x' | LIKE needs an identifier on its left",
        "a IS 5 | expected NULL after IS",
        "a = NULL | NULL can only be tested with IS NULL",
        "a # 1 | unexpected character '#'",
        "a NOT = 1 | expected BETWEEN, IN or LIKE after NOT",
        "a BETWEEN 1 | expected AND in BETWEEN",
    })
    void invalidSelectorsAreRejectedWithTheProblemAndPosition(String selector, String expected) {
        SelectorSyntaxException e = assertThrows(SelectorSyntaxException.class, () -> Selector.parse(selector));
        assertTrue(e.getMessage().startsWith("invalid selector \"" + selector + "\": "), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}

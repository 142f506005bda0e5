package dev.wharf.jms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.protocol.WireDestination;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import jakarta.jms.Destination;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.JMSException;
import jakarta.jms.Queue;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TemporaryTopic;
import jakarta.jms.Topic;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class JmsDestinationTest {

    static Stream<JmsDestination> everyKind() {
        return Stream.of(new JmsQueue("orders"), new JmsTopic("prices"),
                new JmsTemporaryQueue("temp-queue:7:1", null), new JmsTemporaryTopic("temp-topic:7:2", null));
    }

    @Test
    void destinationsAreEqualByKindAndName() {
        assertEquals(new JmsQueue("a"), new JmsQueue("a"));
        assertEquals(new JmsQueue("a").hashCode(), new JmsQueue("a").hashCode());
        assertNotEquals(new JmsQueue("a"), new JmsQueue("b"));
        assertNotEquals(new JmsQueue("a"), new JmsTopic("a"));
        assertNotEquals(new JmsQueue("a"), new JmsTemporaryQueue("a", null));
        assertNotEquals(new JmsTopic("a"), new JmsTemporaryTopic("a", null));
        assertEquals(new JmsTemporaryQueue("t", null), new JmsTemporaryQueue("t", d -> { }));
    }

    @Test
    void toStringShowsKindAndName() {
        assertEquals("queue://orders", new JmsQueue("orders").toString());
        assertEquals("topic://prices", new JmsTopic("prices").toString());
        assertEquals("temp-queue://temp-queue:7:1", new JmsTemporaryQueue("temp-queue:7:1", null).toString());
        assertEquals("temp-topic://temp-topic:7:2", new JmsTemporaryTopic("temp-topic:7:2", null).toString());
    }

    @Test
    void namesAreReadThroughTheJmsInterfaces() throws Exception {
        assertEquals("orders", ((Queue) new JmsQueue("orders")).getQueueName());
        assertEquals("prices", ((Topic) new JmsTopic("prices")).getTopicName());
        assertEquals("tq", ((TemporaryQueue) new JmsTemporaryQueue("tq", null)).getQueueName());
        assertEquals("tt", ((TemporaryTopic) new JmsTemporaryTopic("tt", null)).getTopicName());
    }

    @Test
    void kindPredicatesMatchTheKind() {
        assertTrue(new JmsQueue("a").isQueue());
        assertFalse(new JmsQueue("a").isTopic());
        assertTrue(new JmsTemporaryTopic("a", null).isTopic());
        assertTrue(new JmsTemporaryTopic("a", null).isTemporary());
        assertFalse(new JmsTopic("a").isTemporary());
    }

    @Test
    void nullOrEmptyNameIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new JmsQueue(null));
        assertTrue(e.getMessage().contains("queue name"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new JmsTopic(""));
        assertThrows(IllegalArgumentException.class, () -> new JmsTemporaryQueue(null, null));
        assertThrows(IllegalArgumentException.class, () -> new JmsTemporaryTopic("", null));
    }

    @ParameterizedTest
    @MethodSource("everyKind")
    void everyKindRoundTripsThroughTheWire(JmsDestination d) {
        ByteBuf buf = Unpooled.buffer();
        try {
            WireDestination.write(buf, d.toWire());
            JmsDestination back = JmsDestination.fromWire(WireDestination.read(buf));
            assertEquals(d, back);
            assertEquals(d.getClass(), back.getClass());
        } finally {
            buf.release();
        }
    }

    @Test
    void nullWireDestinationIsNull() {
        assertNull(JmsDestination.fromWire(null));
    }

    @ParameterizedTest
    @MethodSource("everyKind")
    void everyKindSurvivesJavaSerialization(JmsDestination d) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(d);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertEquals(d, in.readObject());
        }
    }

    @Test
    void temporaryDestinationIsDeletedThroughItsOwner() throws Exception {
        List<JmsDestination> deleted = new ArrayList<>();
        JmsTemporaryQueue queue = new JmsTemporaryQueue("tq", deleted::add);
        JmsTemporaryTopic topic = new JmsTemporaryTopic("tt", deleted::add);
        assertFalse(queue.isDeleted());
        queue.delete();
        topic.delete();
        assertTrue(queue.isDeleted());
        assertTrue(topic.isDeleted());
        assertEquals(List.of(queue, topic), deleted);
    }

    @Test
    void temporaryDestinationStaysWhenTheOwnerRefuses() {
        JmsTemporaryQueue queue = new JmsTemporaryQueue("tq", d -> {
            throw new jakarta.jms.IllegalStateException("temporary queue tq has consumers");
        });
        assertThrows(jakarta.jms.IllegalStateException.class, queue::delete);
        assertFalse(queue.isDeleted());
    }

    @Test
    void temporaryDestinationWithoutOwnerCannotBeDeleted() {
        JmsTemporaryQueue queue = (JmsTemporaryQueue) JmsDestination.fromWire(
                new WireDestination(WireDestination.Kind.TEMP_QUEUE, "temp-queue:1:1"));
        JMSException e = assertThrows(jakarta.jms.IllegalStateException.class, queue::delete);
        assertTrue(e.getMessage().contains("only the connection that created temporary destination"), e.getMessage());
        assertThrows(jakarta.jms.IllegalStateException.class, new JmsTemporaryTopic("tt", null)::delete);
    }

    @Test
    void ofConvertsForeignQueuesAndTopics() throws Exception {
        JmsQueue own = new JmsQueue("q");
        assertSame(own, JmsDestination.of(own));
        assertNull(JmsDestination.of(null));
        assertEquals(new JmsQueue("fq"), JmsDestination.of(foreign(Queue.class, "getQueueName", "fq")));
        assertEquals(new JmsTopic("ft"), JmsDestination.of(foreign(Topic.class, "getTopicName", "ft")));
        JmsDestination tq = JmsDestination.of(foreign(TemporaryQueue.class, "getQueueName", "ftq"));
        assertInstanceOf(JmsTemporaryQueue.class, tq);
        assertNull(((JmsTemporaryQueue) tq).owner());
        assertInstanceOf(JmsTemporaryTopic.class, JmsDestination.of(foreign(TemporaryTopic.class, "getTopicName", "ftt")));
    }

    @Test
    void ofRejectsDestinationsThatAreNeitherQueueNorTopic() {
        assertThrows(InvalidDestinationException.class, () -> JmsDestination.of(new Destination() { }));
        assertThrows(InvalidDestinationException.class,
                () -> JmsDestination.of(foreign(Queue.class, "getQueueName", null)));
    }

    private static <T extends Destination> T foreign(Class<T> type, String nameMethod, String name) {
        return type.cast(Proxy.newProxyInstance(JmsDestinationTest.class.getClassLoader(), new Class<?>[] {type},
                (proxy, method, args) -> {
                    if (method.getName().equals(nameMethod)) {
                        return name;
                    }
                    if (method.getName().equals("toString")) {
                        return "foreign " + name;
                    }
                    throw new UnsupportedOperationException(method.getName());
                }));
    }
}

package dev.wharf.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.BytesMessage;
import jakarta.jms.CompletionListener;
import jakarta.jms.IllegalStateRuntimeException;
import jakarta.jms.JMSContext;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageFormatException;
import jakarta.jms.MessageNotWriteableException;
import jakarta.jms.MessageProducer;
import jakarta.jms.ObjectMessage;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.StreamMessage;
import jakarta.jms.TextMessage;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MessageTypesIT extends BrokerTestSupport {

    @Test
    void allFiveBodyTypesAndTypedPropertiesCrossTheWire() throws Exception {
        Session s = connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue(unique("types"));
        MessageProducer p = s.createProducer(q);

        TextMessage text = s.createTextMessage("héllo ✓");
        text.setByteProperty("b", (byte) 7);
        text.setLongProperty("l", Long.MIN_VALUE);
        text.setDoubleProperty("d", 2.5);
        text.setBooleanProperty("flag", true);
        text.setJMSCorrelationID("corr-1");
        text.setJMSType("greeting");
        p.send(text);
        BytesMessage bytes = s.createBytesMessage();
        bytes.writeInt(42);
        bytes.writeUTF("tail");
        p.send(bytes);
        MapMessage map = s.createMapMessage();
        map.setInt("n", 3);
        map.setString("s", "x");
        map.setBytes("raw", new byte[] {9, 8});
        p.send(map);
        StreamMessage stream = s.createStreamMessage();
        stream.writeChar('z');
        stream.writeFloat(1.5f);
        stream.writeString("end");
        p.send(stream);
        p.send(s.createObjectMessage(new ArrayList<>(List.of("a", "b"))));
        p.send(s.createMessage());

        MessageConsumer c = s.createConsumer(q);
        TextMessage t = (TextMessage) c.receive(5000);
        assertEquals("héllo ✓", t.getText());
        assertEquals("7", t.getStringProperty("b"), "byte property read as String");
        assertEquals(7L, t.getLongProperty("b"), "byte property widened to long");
        assertEquals(Long.MIN_VALUE, t.getLongProperty("l"));
        assertEquals(2.5, t.getDoubleProperty("d"));
        assertTrue(t.getBooleanProperty("flag"));
        assertEquals("corr-1", t.getJMSCorrelationID());
        assertEquals("greeting", t.getJMSType());
        assertNotNull(t.getJMSMessageID());
        assertTrue(t.getJMSMessageID().startsWith("ID:"));
        assertThrows(MessageNotWriteableException.class, () -> t.setStringProperty("x", "y"), "received properties are read-only");

        BytesMessage b = (BytesMessage) c.receive(5000);
        assertEquals(42, b.readInt());
        assertEquals("tail", b.readUTF());
        MapMessage m = (MapMessage) c.receive(5000);
        assertEquals(3, m.getInt("n"));
        assertEquals("3", m.getString("n"));
        assertArrayEquals(new byte[] {9, 8}, m.getBytes("raw"));
        StreamMessage st = (StreamMessage) c.receive(5000);
        assertEquals('z', st.readChar());
        assertEquals(1.5f, st.readFloat());
        assertEquals("end", st.readString());
        ObjectMessage o = (ObjectMessage) c.receive(5000);
        assertEquals(List.of("a", "b"), o.getObject());
        Message plain = c.receive(5000);
        assertNull(plain.getBody(Object.class));
        assertThrows(MessageFormatException.class, () -> t.getBody(Integer.class));
    }

    @Test
    void messageFromAnotherProviderIsSentAsItsContent() throws Exception {
        Session s = connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue(unique("foreign"));
        Map<String, Object> headers = new HashMap<>();
        Map<String, Object> props = new HashMap<>(Map.of("origin", "elsewhere"));
        TextMessage foreign = (TextMessage) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {TextMessage.class},
                (proxy, method, args) -> {
                    String n = method.getName();
                    if (n.equals("getText")) {
                        return "from another provider";
                    }
                    if (n.equals("getPropertyNames")) {
                        return java.util.Collections.enumeration(props.keySet());
                    }
                    if (n.equals("getObjectProperty")) {
                        return props.get((String) args[0]);
                    }
                    if (n.startsWith("set") && args != null && args.length == 1) {
                        headers.put(n.substring(3), args[0]);
                        return null;
                    }
                    if (n.startsWith("get") && headers.containsKey(n.substring(3))) {
                        return headers.get(n.substring(3));
                    }
                    Class<?> r = method.getReturnType();
                    return r == boolean.class ? false : r == int.class ? 0 : r == long.class ? 0L : r == Enumeration.class
                            ? java.util.Collections.emptyEnumeration() : null;
                });
        s.createProducer(q).send(foreign);
        assertNotNull(headers.get("JMSMessageID"), "the provider sets JMSMessageID on the foreign message");
        TextMessage got = (TextMessage) s.createConsumer(q).receive(5000);
        assertEquals("from another provider", got.getText());
        assertEquals("elsewhere", got.getStringProperty("origin"));
    }

    @Test
    void asyncSendCallsTheCompletionListenerOncePersisted() throws Exception {
        Session s = connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue(unique("async"));
        CompletableFuture<Message> done = new CompletableFuture<>();
        TextMessage m = s.createTextMessage("async");
        s.createProducer(q).send(m, new CompletionListener() {
            @Override
            public void onCompletion(Message message) {
                done.complete(message);
            }

            @Override
            public void onException(Message message, Exception exception) {
                done.completeExceptionally(exception);
            }
        });
        assertTrue(done.get(10, TimeUnit.SECONDS) == m, "the listener gets the message that was sent");
        assertEquals("async", ((TextMessage) s.createConsumer(q).receive(5000)).getText());
    }

    @Test
    void dupsOkSessionDeliversEveryMessage() throws Exception {
        Session s = connect().createSession(false, Session.DUPS_OK_ACKNOWLEDGE);
        Queue q = s.createQueue(unique("dupsok"));
        MessageProducer p = s.createProducer(q);
        for (int i = 0; i < 50; i++) {
            p.send(s.createTextMessage("m" + i));
        }
        MessageConsumer c = s.createConsumer(q);
        for (int i = 0; i < 50; i++) {
            assertEquals("m" + i, ((TextMessage) c.receive(5000)).getText());
        }
        c.close();
        Session other = connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        assertNull(other.createConsumer(q).receive(500), "acknowledged in DUPS_OK mode, so gone");
    }

    @Test
    void receiveBodyOfTheWrongTypeLeavesTheMessageFirstInLineInAutoMode() {
        try (JMSContext ctx = factory.createContext()) {
            Queue q = ctx.createQueue(unique("body"));
            ctx.createProducer().send(q, "text");
            ctx.createProducer().send(q, "second");
            var consumer = ctx.createConsumer(q);
            assertThrows(jakarta.jms.MessageFormatRuntimeException.class, () -> consumer.receiveBody(Integer.class, 5000));
            Message again = consumer.receive(5000);
            assertEquals("text", assertDoesNotThrowBody(again));
            assertTrue(!isRedelivered(again), "not a redelivery: as if the failed call had not happened");
        }
    }

    @Test
    void receiveBodyRefusesPlainAndStreamMessagesAndConsumesInClientMode() throws Exception {
        try (JMSContext ctx = factory.createContext(JMSContext.CLIENT_ACKNOWLEDGE)) {
            Queue q = ctx.createQueue(unique("plain"));
            ctx.createProducer().send(q, ctx.createMessage());
            ctx.createProducer().send(q, "next");
            var consumer = ctx.createConsumer(q);
            assertThrows(jakarta.jms.MessageFormatRuntimeException.class, () -> consumer.receiveBody(Object.class, 5000));
            // CLIENT_ACKNOWLEDGE: the refused message counts as delivered; the next one follows.
            assertEquals("next", consumer.receiveBody(String.class, 5000));
            ctx.acknowledge();
        }
    }

    private static String assertDoesNotThrowBody(Message m) {
        try {
            return m.getBody(String.class);
        } catch (jakarta.jms.JMSException e) {
            throw new AssertionError(e);
        }
    }

    private static boolean isRedelivered(Message m) {
        try {
            return m.getJMSRedelivered();
        } catch (jakarta.jms.JMSException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void closedContextThrowsTheRuntimeIllegalState() {
        JMSContext ctx = factory.createContext();
        ctx.close();
        assertThrows(IllegalStateRuntimeException.class, () -> ctx.createTextMessage("x"));
        assertThrows(IllegalStateRuntimeException.class, () -> ctx.createProducer());
    }
}

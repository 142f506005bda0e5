package dev.wharf.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MessageGroupIT extends BrokerTestSupport {

    private static TextMessage grouped(Session s, String group, int seq) throws Exception {
        TextMessage m = s.createTextMessage(group + ":" + seq);
        m.setStringProperty("JMSXGroupID", group);
        m.setIntProperty("JMSXGroupSeq", seq);
        return m;
    }

    @Test
    void fourConsumersReceiveEachOfAHundredGroupsStrictlyInOrderAndOnlyOneConsumerPerGroup() throws Exception {
        Session ps = connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = ps.createQueue(unique("groups"));
        int groups = 100;
        int perGroup = 20;
        Map<String, List<Integer>> received = new ConcurrentHashMap<>();
        Map<String, Set<Integer>> consumersOfGroup = new ConcurrentHashMap<>();
        CountDownLatch all = new CountDownLatch(groups * perGroup);
        for (int c = 0; c < 4; c++) {
            int consumer = c;
            Connection conn = connect();
            Session s = conn.createSession(false, Session.AUTO_ACKNOWLEDGE);
            s.createConsumer(q).setMessageListener(m -> {
                try {
                    String group = m.getStringProperty("JMSXGroupID");
                    received.computeIfAbsent(group, g -> java.util.Collections.synchronizedList(new ArrayList<>()))
                            .add(m.getIntProperty("JMSXGroupSeq"));
                    consumersOfGroup.computeIfAbsent(group, g -> ConcurrentHashMap.newKeySet()).add(consumer);
                    all.countDown();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        }
        MessageProducer p = ps.createProducer(q);
        for (int seq = 1; seq <= perGroup; seq++) {
            for (int g = 0; g < groups; g++) {
                p.send(grouped(ps, "g" + g, seq));
            }
        }
        assertTrue(all.await(60, TimeUnit.SECONDS), all.getCount() + " messages did not arrive");
        List<Integer> inOrder = new ArrayList<>();
        for (int seq = 1; seq <= perGroup; seq++) {
            inOrder.add(seq);
        }
        Set<Integer> consumersUsed = new HashSet<>();
        for (int g = 0; g < groups; g++) {
            assertEquals(inOrder, received.get("g" + g), "group g" + g);
            assertEquals(1, consumersOfGroup.get("g" + g).size(), "group g" + g + " went to " + consumersOfGroup.get("g" + g));
            consumersUsed.addAll(consumersOfGroup.get("g" + g));
        }
        assertEquals(4, consumersUsed.size(), "the groups are spread over all consumers");
    }

    @Test
    void groupMovesToAnotherConsumerWhenItsConsumerClosesAndKeepsItsOrder() throws Exception {
        Session s = connect().createSession(false, Session.CLIENT_ACKNOWLEDGE);
        Queue q = s.createQueue(unique("rebalance"));
        MessageConsumer first = s.createConsumer(q);
        Session s2 = connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer second = s2.createConsumer(q);
        MessageProducer p = s.createProducer(q);
        for (int seq = 1; seq <= 4; seq++) {
            p.send(grouped(s, "cart-7", seq));
        }
        // The group is pinned to one of them; find which and let it take the first two.
        Message m = first.receive(2000);
        MessageConsumer owner = first;
        MessageConsumer other = second;
        Session ownerSession = s;
        if (m == null) {
            m = second.receive(5000);
            owner = second;
            other = first;
            ownerSession = s2;
        }
        assertNotNull(m);
        assertEquals("cart-7:1", ((TextMessage) m).getText());
        assertEquals("cart-7:2", ((TextMessage) owner.receive(5000)).getText());
        if (ownerSession.getAcknowledgeMode() == Session.CLIENT_ACKNOWLEDGE) {
            m.acknowledge();
        }
        owner.close();
        List<String> rest = new ArrayList<>();
        for (TextMessage t; rest.size() < 2 && (t = (TextMessage) other.receive(5000)) != null; ) {
            rest.add(t.getText());
        }
        assertEquals(List.of("cart-7:3", "cart-7:4"), rest, "the other consumer takes the group over, in order");
    }

    @Test
    void groupSequenceMinusOneEndsThePinning() throws Exception {
        Session s = connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue(unique("close"));
        MessageConsumer a = s.createConsumer(q);
        MessageConsumer b = s.createConsumer(q);
        MessageProducer p = s.createProducer(q);
        p.send(grouped(s, "batch", 1));
        p.send(grouped(s, "batch", -1));
        Map<String, MessageConsumer> by = new HashMap<>();
        for (MessageConsumer c : List.of(a, b)) {
            for (TextMessage t; (t = (TextMessage) c.receive(500)) != null; ) {
                by.put(t.getText(), c);
            }
        }
        assertEquals(by.get("batch:1"), by.get("batch:-1"), "the closing message still goes to the group's consumer");
        // The group is free again: the next "batch" message goes round-robin like a new group.
        assertEquals(0, broker.queueStats(q.getQueueName()).groups());
    }
}

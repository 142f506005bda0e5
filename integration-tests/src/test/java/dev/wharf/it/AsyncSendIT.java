package dev.wharf.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.CompletionListener;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AsyncSendIT extends BrokerTestSupport {

    @Test
    void completionCallbacksComeInSendOrderEvenWhenTheBrokerAnswersOutOfOrder() throws Exception {
        // Non-persistent sends are answered at once, persistent ones after the journal's force,
        // so alternating them makes the broker's answers overtake each other.
        Session s = connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue(unique("async"));
        MessageProducer p = s.createProducer(q);
        int n = 200;
        List<String> completed = new CopyOnWriteArrayList<>();
        CountDownLatch all = new CountDownLatch(n);
        CompletionListener listener = new CompletionListener() {
            @Override
            public void onCompletion(Message m) {
                try {
                    completed.add(((TextMessage) m).getText());
                } catch (Exception e) {
                    completed.add("unreadable: " + e);
                }
                all.countDown();
            }

            @Override
            public void onException(Message m, Exception e) {
                completed.add("failed: " + e);
                all.countDown();
            }
        };
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            sent.add("m" + i);
            int mode = i % 2 == 0 ? DeliveryMode.PERSISTENT : DeliveryMode.NON_PERSISTENT;
            p.send(s.createTextMessage("m" + i), mode, 4, 0, listener);
        }
        assertTrue(all.await(30, TimeUnit.SECONDS), "only " + completed.size() + " of " + n + " callbacks came");
        assertEquals(sent, completed);
    }
}

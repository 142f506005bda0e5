package dev.wharf.jms.message;

import dev.wharf.protocol.BodyType;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import java.nio.charset.StandardCharsets;

/**
 * A {@link TextMessage}. The wire body is the text as UTF-8, or no body for a null text.
 * Not thread-safe (see {@link JmsMessage}).
 */
public class JmsTextMessage extends JmsMessage implements TextMessage {

    private String text;

    /** A new, writable message with a null text. */
    public JmsTextMessage() {
    }

    /** A new, writable message with the given text. */
    public JmsTextMessage(String text) {
        this.text = text;
    }

    /**
     * @throws jakarta.jms.MessageNotWriteableException if the body is read-only (received message)
     */
    @Override
    public void setText(String text) throws JMSException {
        checkWritableBody();
        this.text = text;
    }

    @Override
    public String getText() {
        return text;
    }

    @Override
    BodyType bodyType() {
        return BodyType.TEXT;
    }

    @Override
    byte[] encodeBody() {
        return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    void decodeBody(byte[] body) {
        text = body == null ? null : new String(body, StandardCharsets.UTF_8);
    }

    @Override
    void clearBodyContent() {
        text = null;
    }

    @Override
    Object bodyObject() {
        return text;
    }

    @Override
    void copyBodyFrom(Message foreign) throws JMSException {
        text = ((TextMessage) foreign).getText();
    }
}

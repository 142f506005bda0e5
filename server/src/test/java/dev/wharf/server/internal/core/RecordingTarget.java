package dev.wharf.server.internal.core;

import java.util.ArrayList;
import java.util.List;

/** A delivery target that records what it got. */
final class RecordingTarget implements DeliveryTarget {

    record Got(Consumer consumer, MessageRef ref, int deliveryCount) {
    }

    final List<Got> delivered = new ArrayList<>();
    final List<Long> pullsDone = new ArrayList<>();

    @Override
    public void deliver(Consumer consumer, MessageRef ref) {
        delivered.add(new Got(consumer, ref, ref.deliveryCount()));
    }

    @Override
    public void pullDone(Consumer consumer, long correlationId) {
        pullsDone.add(correlationId);
    }

    List<String> texts() {
        return delivered.stream().map(g -> Messages.textOf(g.ref().message().wire())).toList();
    }
}

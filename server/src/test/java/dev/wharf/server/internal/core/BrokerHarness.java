package dev.wharf.server.internal.core;

import dev.wharf.server.internal.security.UserStore;
import dev.wharf.server.internal.store.InMemoryJournal;
import dev.wharf.server.internal.store.JournalFactory;
import dev.wharf.server.internal.store.JournalStore;

/** A broker core over an in-memory journal, with a manual clock; can be "restarted". */
final class BrokerHarness {

    final InMemoryJournal journal;
    final ManualClock clock = new ManualClock(1_000_000);
    final ManualScheduler scheduler = new ManualScheduler(clock);
    final Broker broker;
    final java.nio.file.Path largeDir;

    BrokerHarness() {
        this(new InMemoryJournal(), true, null);
    }

    BrokerHarness(InMemoryJournal journal, boolean autoCreate, UserStore users) {
        this(journal, autoCreate, users, null);
    }

    /** @param largeDir where large message bodies go; null: none (large messages are refused) */
    BrokerHarness(InMemoryJournal journal, boolean autoCreate, UserStore users, java.nio.file.Path largeDir) {
        this.journal = journal;
        this.largeDir = largeDir;
        JournalStore store = JournalFactory.wrap(journal);
        if (largeDir != null) {
            store.largeMessages(new dev.wharf.server.internal.store.LargeMessageStore(largeDir));
        }
        JournalStore.Recovered r = store.open();
        broker = new Broker(new BrokerSettings("test", "0", 1 << 20, autoCreate), store, users, clock, scheduler);
        broker.recover(r);
    }

    /** Closes the journal and starts a new broker over it (a clean restart; connections are gone). */
    BrokerHarness restart() {
        journal.close();
        if (largeDir != null) {
            broker.store().largeMessages().close();
        }
        return new BrokerHarness(journal, true, null, largeDir);
    }

    TestClient client(String clientId) {
        return new TestClient(broker).connect(clientId);
    }
}

package dev.wharf.journal;

import java.nio.file.Path;

class JdbcJournalContractTest extends JournalContractTest {
    @Override
    Journal newJournal(Path dir) {
        return JdbcJournal.builder().h2(dir).build();
    }
}

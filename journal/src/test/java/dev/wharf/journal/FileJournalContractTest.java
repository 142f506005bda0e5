package dev.wharf.journal;

import java.nio.file.Path;

class FileJournalContractTest extends JournalContractTest {
    @Override
    Journal newJournal(Path dir) {
        return FileJournal.builder(dir).segmentSize(64 * 1024).build();
    }
}

package dev.wharf.benchmarks.load;

/** What the peer brokers' mains share: stop on shutdown, say they are ready, then wait. */
final class PeerMainSupport {

    /** Stops a started broker. */
    interface Stoppable {
        void stop() throws Exception;
    }

    private PeerMainSupport() {
    }

    /** Registers {@code broker}'s stop as a shutdown hook, prints {@code ready} and blocks for good. */
    static void serveUntilKilled(Stoppable broker, String ready) throws InterruptedException {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                broker.stop();
            } catch (Exception e) {
                e.printStackTrace();
            }
        }));
        System.out.println(ready);
        System.out.flush();
        Thread.currentThread().join();
    }
}

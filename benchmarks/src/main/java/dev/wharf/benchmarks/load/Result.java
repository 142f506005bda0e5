package dev.wharf.benchmarks.load;

import org.HdrHistogram.Histogram;

/**
 * What one workload measured on one provider: messages sent and received in the measured
 * window, their rates, and the latency percentiles in microseconds (send latency for sends,
 * the round trip for request/reply, the force for the raw disk).
 */
record Result(String provider, String workload, long sent, long received, double seconds, double sendRate,
              double receiveRate, long p50Micros, long p99Micros, long p999Micros, long maxMicros) {

    static Result of(String provider, String workload, long sent, long received, double seconds, Histogram latencyNanos) {
        boolean any = latencyNanos.getTotalCount() > 0;
        return new Result(provider, workload, sent, received, seconds, sent / seconds, received / seconds,
                any ? latencyNanos.getValueAtPercentile(50) / 1000 : 0,
                any ? latencyNanos.getValueAtPercentile(99) / 1000 : 0,
                any ? latencyNanos.getValueAtPercentile(99.9) / 1000 : 0,
                any ? latencyNanos.getMaxValue() / 1000 : 0);
    }

    String toJson() {
        return String.format(java.util.Locale.ROOT,
                "{\"provider\":\"%s\",\"workload\":\"%s\",\"sent\":%d,\"received\":%d,\"seconds\":%.3f,"
                        + "\"sendPerSecond\":%.1f,\"receivePerSecond\":%.1f,\"latencyMicros\":{\"p50\":%d,\"p99\":%d,"
                        + "\"p99.9\":%d,\"max\":%d}}",
                provider, workload, sent, received, seconds, sendRate, receiveRate, p50Micros, p99Micros, p999Micros,
                maxMicros);
    }
}

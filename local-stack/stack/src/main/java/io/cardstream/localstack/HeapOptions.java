package io.cardstream.localstack;

import picocli.CommandLine.Option;

/**
 * {@code --kafka-heap} and {@code --hbase-heap} for commands that start a stack of their own (demo, bench):
 * {@code @Mixin HeapOptions heaps;}. Defaults and rules are the stack's ({@link StackSettings}).
 */
public final class HeapOptions {

    @Option(
            names = "--kafka-heap",
            paramLabel = "SIZE",
            defaultValue = LocalStackConfig.DEFAULT_KAFKA_HEAP,
            description = "Maximum heap of the broker JVM (-Xmx). Default: ${DEFAULT-VALUE}")
    String kafkaHeap;

    @Option(
            names = "--hbase-heap",
            paramLabel = "SIZE",
            defaultValue = LocalStackConfig.DEFAULT_HBASE_HEAP,
            description = "Maximum heap of the HBase JVM (-Xmx); its memstores get 40%% of it. Default:"
                    + " ${DEFAULT-VALUE}")
    String hbaseHeap;

    /** The broker's heap, checked against the stack's rule (the error names the setting). */
    public String kafkaHeap() {
        return StackSettings.KAFKA_HEAP.check(kafkaHeap);
    }

    /** HBase's heap, checked against the stack's rule. */
    public String hbaseHeap() {
        return StackSettings.HBASE_HEAP.check(hbaseHeap);
    }
}

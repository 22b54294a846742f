package io.streamwatch.testkit;

import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

/** The Flink MiniCluster every test runs on: parallelism 2, as the style guide's pyramid asks. */
public final class FlinkCluster {
    private FlinkCluster() {}

    /** Register with {@code @RegisterExtension static final MiniClusterExtension FLINK = FlinkCluster.extension();} */
    public static MiniClusterExtension extension() {
        return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                .setNumberTaskManagers(1)
                .setNumberSlotsPerTaskManager(2)
                .build());
    }
}

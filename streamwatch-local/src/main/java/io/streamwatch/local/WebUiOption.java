package io.streamwatch.local;

import picocli.CommandLine.Option;

/** The port of the local Flink cluster's web UI: the flag {@code demo} and {@code run} share. */
final class WebUiOption {
    @Option(
            names = "--web-port",
            paramLabel = "PORT",
            defaultValue = "8081",
            description = "port of the Flink web UI, 0 = any free port (default: ${DEFAULT-VALUE})")
    int webPort;

    /** The port, checked: a negative one fails before anything starts. */
    int port() {
        TrafficOptions.atLeast("web-port", webPort, 0);
        return webPort;
    }
}

package io.streamwatch.local;

import picocli.CommandLine.Option;

/** The port of the local Flink cluster's web UI: the flag {@code demo}, {@code run} and {@code cluster start} share. */
final class WebUiOption {
    @Option(
            names = "--web-port",
            paramLabel = "PORT",
            defaultValue = "${env:STREAMWATCH_WEB_PORT:-8081}",
            description =
                    "port of the Flink web UI, 0 = any free port, or set STREAMWATCH_WEB_PORT (default: ${DEFAULT-VALUE})")
    int webPort;

    /** The port, checked: a negative one fails before anything starts. */
    int port() {
        TrafficOptions.atLeast("web-port", webPort, 0);
        return webPort;
    }
}

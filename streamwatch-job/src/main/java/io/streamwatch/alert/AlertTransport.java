package io.streamwatch.alert;

import java.io.Serializable;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.Executor;

/**
 * Builds the HTTP client that delivery sends with, once per delivery subtask: a seam for proxies,
 * TLS settings or a client that records what it sends.
 */
@FunctionalInterface
public interface AlertTransport extends Serializable {

    /** The JDK's client: HTTP/2 where the receiver offers it, the given connect timeout. */
    AlertTransport HTTP = (executor, connectTimeout) -> HttpClient.newBuilder()
            .executor(executor)
            .connectTimeout(connectTimeout)
            .build();

    /**
     * @param executor runs the client's callbacks; delivery's own threads
     * @param connectTimeout the policy's request timeout
     */
    HttpClient client(Executor executor, Duration connectTimeout);
}

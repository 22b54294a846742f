package io.streamwatch.alert;

import java.io.Serializable;
import java.util.Collection;
import java.util.Set;

/**
 * What the outbox already records as sent. Delivery asks before sending, so a message that was
 * accepted and recorded before a failure is not sent again when Flink re-issues it on recovery.
 */
public interface DeliveryLedger extends Serializable, AutoCloseable {

    /** A ledger that knows nothing: every message is sent. */
    DeliveryLedger NONE = (receiver, alertEventIds) -> Set.of();

    /**
     * @return those of the ids the outbox records as sent to the receiver; called from a thread of
     *     its own, so it may block
     */
    Set<String> alreadySent(String receiver, Collection<String> alertEventIds) throws Exception;

    @Override
    default void close() throws Exception {}
}

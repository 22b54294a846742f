package io.streamwatch.alert;

import java.io.Serializable;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/** Where the state of every (alert event, receiver) delivery is recorded, and read back before sending. */
public interface AlertOutbox extends Serializable {

    /** Records nothing, so every message is sent. */
    AlertOutbox DISCARDING = new AlertOutbox() {
        @Override
        public Sink<AlertDelivery> sink() {
            return new DiscardingSink<>();
        }

        @Override
        public DeliveryLedger ledger() {
            return DeliveryLedger.NONE;
        }
    };

    Sink<AlertDelivery> sink();

    DeliveryLedger ledger();
}

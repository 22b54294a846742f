package io.streamwatch.alert;

import org.apache.flink.api.connector.sink2.Sink;

import java.io.Serializable;

/** Where the state of every (alert event, receiver) delivery is recorded, and read back before sending. */
public interface AlertOutbox extends Serializable {
    Sink<AlertDelivery> sink();

    DeliveryLedger ledger();
}

package io.streamwatch.alert;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;

/**
 * Where alerts go (receivers and routes), what mutes them (silences, inhibit rules, flap
 * suppression, the storm guard) and how they are delivered. No receivers: alerting is off.
 */
public record AlertSettings(
        List<ReceiverSpec> receivers,
        Routing routing,
        List<Silence> silences,
        List<InhibitRule> inhibitRules,
        Duration minFiringDuration,
        StormGuard stormGuard,
        DeliveryPolicy delivery,
        MessageContext context)
        implements Serializable {

    public boolean enabled() {
        return !receivers.isEmpty();
    }
}

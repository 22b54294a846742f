package io.streamwatch.alert;

import io.streamwatch.model.AnomalyEvent;
import java.io.Serializable;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * What messages link to and say they come from.
 *
 * @param source the name messages give as their origin (the job's name)
 * @param flinkWebUiUrl the Flink web UI; null or empty for no link
 * @param dataUrlTemplate a link to the anomaly's data with {series_key}, {detector}, {from_ms} and
 *     {to_ms} (an hour either side of the anomaly) replaced; null or empty for no link
 */
public record MessageContext(String source, String flinkWebUiUrl, String dataUrlTemplate) implements Serializable {
    private static final long HOUR = 3_600_000L;

    public String dataUrl(AnomalyEvent a) {
        if (dataUrlTemplate == null || dataUrlTemplate.isBlank()) return null;
        return dataUrlTemplate
                .replace("{series_key}", URLEncoder.encode(a.seriesKey, StandardCharsets.UTF_8))
                .replace("{detector}", URLEncoder.encode(a.detector, StandardCharsets.UTF_8))
                .replace("{from_ms}", Long.toString(a.openedWindowStart - HOUR))
                .replace("{to_ms}", Long.toString(a.windowEnd + HOUR));
    }

    public String webUi() {
        return flinkWebUiUrl == null || flinkWebUiUrl.isBlank() ? null : flinkWebUiUrl;
    }
}

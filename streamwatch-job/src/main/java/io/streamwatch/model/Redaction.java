package io.streamwatch.model;

import java.util.regex.Pattern;

/**
 * Masks credentials inside values that are shown (logs, the web UI's job parameters, messages):
 * {@code user:password@} in URLs, password-like query and JDBC parameters, and quoted passwords in
 * a JAAS configuration. Keys that name a secret are masked whole by the configuration reader.
 */
public final class Redaction {
    public static final String MASK = "***";

    private static final Pattern URL_USER_INFO = Pattern.compile("([a-zA-Z][a-zA-Z0-9+.-]*://[^/@:\\s]*):[^/@\\s]*@");
    private static final Pattern PARAMETER = Pattern.compile(
            "(?i)((?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|sslpassword|sig)=)[^&;,\\s]*");
    private static final Pattern QUOTED_PASSWORD =
            Pattern.compile("(?i)((?:password|secret|token)\\s*=\\s*)(\"[^\"]*\"|'[^']*')");

    private Redaction() {}

    public static String mask(String value) {
        if (value == null || value.isEmpty()) return value;
        String s = URL_USER_INFO.matcher(value).replaceAll("$1:" + MASK + "@");
        s = QUOTED_PASSWORD.matcher(s).replaceAll("$1\"" + MASK + "\"");
        return PARAMETER.matcher(s).replaceAll("$1" + MASK);
    }
}

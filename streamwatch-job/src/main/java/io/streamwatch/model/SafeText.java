package io.streamwatch.model;

/**
 * Makes arbitrary text storable in PostgreSQL without change: messages quote user data and
 * exception messages, which may hold NUL (refused by PostgreSQL's text) or lone surrogates (not
 * encodable in UTF-8). Such characters are written as {@code \\uXXXX} instead.
 */
public final class SafeText {
    private SafeText() {}

    public static String escape(String s) {
        if (s == null || isPlain(s)) return s;
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean pair =
                    Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
            if (pair) {
                out.append(c).append(s.charAt(++i));
            } else if (Character.isISOControl(c) || Character.isSurrogate(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * The index of the first character PostgreSQL's text cannot store as it is (NUL, or an
     * unpaired surrogate, which the driver would send as '?'), or -1.
     */
    public static int firstUnstorable(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\u0000') return i;
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    /** Whether {@code s} has neither control characters nor unpaired surrogates. */
    public static boolean isPlain(String s) {
        return firstProblem(s) < 0;
    }

    /** The index of the first control character or unpaired surrogate, or -1. */
    public static int firstProblem(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isISOControl(c)) return i;
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }
}

package io.streamwatch.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A subcommand's flags: parsed, checked, and described for {@code --help}. */
final class Options {
    /** @param value what the flag takes, e.g. "N"; null for a switch */
    record Flag(String name, String value, String defaultValue, String help) {}

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|min|m|h)");

    private final String command;
    private final String usage;
    private final String description;
    private final boolean passThrough;
    private final Map<String, Flag> flags = new LinkedHashMap<>();

    /** @param passThrough unknown flags are kept for the job's configuration instead of refused */
    Options(String command, String usage, String description, boolean passThrough, Flag... flags) {
        this.command = command;
        this.usage = usage;
        this.description = description;
        this.passThrough = passThrough;
        for (Flag f : flags) this.flags.put(f.name(), f);
    }

    String help() {
        StringBuilder s = new StringBuilder("Usage: ./streamwatch " + command + " " + usage + "\n\n" + description + "\n\n");
        for (Flag f : flags.values()) {
            String left = "  --" + f.name() + (f.value() == null ? "" : " " + f.value());
            s.append(String.format(Locale.ROOT, "%-28s %s%s%n", left, f.help(),
                    f.defaultValue() == null ? "" : " (default: " + f.defaultValue() + ")"));
        }
        return s.toString();
    }

    Parsed parse(String[] args) {
        Map<String, String> values = new LinkedHashMap<>();
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) return new Parsed(this, Map.of(), List.of(), true);
            String name = arg.startsWith("--") ? arg.substring(2) : null;
            String inline = null;
            if (name != null && name.indexOf('=') > 0) {
                inline = name.substring(name.indexOf('=') + 1);
                name = name.substring(0, name.indexOf('='));
            }
            Flag flag = name == null ? null : flags.get(name);
            if (flag == null) {
                if (!passThrough) throw new LauncherException("unknown " + (name == null ? "argument '" + arg + "'"
                        : "flag --" + name) + "; see ./streamwatch " + command + " --help");
                rest.add(arg);
                continue;
            }
            if (flag.value() == null) {
                values.put(name, inline == null ? "true" : inline);
            } else if (inline != null) {
                values.put(name, inline);
            } else if (i + 1 < args.length) {
                values.put(name, args[++i]);
            } else {
                throw new LauncherException("--" + name + " needs a value (" + flag.value() + ")");
            }
        }
        return new Parsed(this, values, rest, false);
    }

    record Parsed(Options options, Map<String, String> values, List<String> rest, boolean helpRequested) {
        String string(String name) {
            String v = values.get(name);
            return v != null ? v : options.flags.get(name).defaultValue();
        }

        boolean has(String name) {
            return string(name) != null;
        }

        boolean bool(String name) {
            return Boolean.parseBoolean(string(name));
        }

        int integer(String name, int min) {
            String v = string(name);
            try {
                int n = Integer.parseInt(v);
                if (n >= min) return n;
            } catch (NumberFormatException e) {
                // reported below
            }
            throw bad(name, v, "a whole number of at least " + min);
        }

        double number(String name, double min, double max) {
            String v = string(name);
            try {
                double d = Double.parseDouble(v);
                if (d >= min && d <= max) return d;
            } catch (NumberFormatException e) {
                // reported below
            }
            throw bad(name, v, "a number from " + min + " to " + max);
        }

        /** A duration such as 500ms, 60s, 5min, 2h; null if the flag is unset and has no default. */
        Duration duration(String name) {
            String v = string(name);
            if (v == null) return null;
            Matcher m = DURATION.matcher(v.trim());
            if (!m.matches()) throw bad(name, v, "a duration such as 90s, 5min or 1h");
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofMinutes(n);
            };
        }

        Path path(String name) {
            String v = string(name);
            return v == null ? null : Path.of(v);
        }

        private LauncherException bad(String name, String value, String expected) {
            return new LauncherException("--" + name + " " + value + " is not " + expected);
        }
    }
}

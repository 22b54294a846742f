package io.streamwatch.local;

import io.streamwatch.config.ConfigException;

import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Entry point of {@code ./streamwatch}: {@code demo}, {@code run}, {@code generate}, {@code nab}.
 * Problems the user can fix end in one line on stderr; details go to the log file.
 *
 * <p>No logger here: log4j reads its configuration on first use, and the log file's place depends
 * on the flags, so the property naming it is set first.
 */
public final class Launcher {
    static final String LOG_FILE_PROPERTY = "streamwatch.log.file";
    private static final String NAB_COMMAND = "io.streamwatch.nab.NabCommand";

    private static final String HELP = """
            Usage: ./streamwatch COMMAND [flags]   (./streamwatch COMMAND --help for its flags)

            Commands:
              demo       the whole pipeline on this machine: Kafka, PostgreSQL and Flink with its web UI
                         started for you, synthetic traffic with injected anomalies, a live status line
                         and a summary whose counts reconcile
              run        the job in a local Flink cluster against your own Kafka and PostgreSQL
              generate   the demo's synthetic traffic into any Kafka
              nab        score the detectors on NAB data: nab --data DIR --windows FILE --out DIR
            """;

    private Launcher() {}

    public static void main(String[] args) {
        System.exit(run(args, System.err));
    }

    static int run(String[] args, PrintStream err) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            System.out.print(HELP);
            return args.length == 0 ? 2 : 0;
        }
        String command = args[0];
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        try {
            switch (command) {
                case "demo" -> {
                    Options.Parsed p = parse(Demo.OPTIONS, rest);
                    if (p == null) return 0;
                    logTo(DataDir.open(p.path("data"), false).logFile());
                    Console console = Console.system();
                    Summary summary = Demo.run(p, console, StopSignal.install(console));
                    console.println("");
                    console.println(summary.render());
                    return summary.reconciles() ? 0 : 1;
                }
                case "run" -> {
                    Options.Parsed p = parse(Run.OPTIONS, rest);
                    if (p == null) return 0;
                    logTo(DataDir.open(p.path("data"), false).logFile());
                    Console console = Console.system();
                    Run.run(p, console, StopSignal.install(console));
                    return 0;
                }
                case "generate" -> {
                    Options.Parsed p = parse(Generate.OPTIONS, rest);
                    if (p == null) return 0;
                    Console console = Console.system();
                    Generate.run(p, console, StopSignal.install(console));
                    return 0;
                }
                case "nab" -> {
                    return nab(rest, err);
                }
                default -> {
                    err.println("streamwatch: unknown command '" + command + "'; commands: demo, run, generate, nab (see ./streamwatch --help)");
                    return 2;
                }
            }
        } catch (LauncherException e) {
            err.println("streamwatch " + command + ": " + e.getMessage());
            return 2;
        } catch (ConfigException e) {
            err.println("streamwatch " + command + ": " + e.getMessage());
            return 2;
        } catch (Exception e) {
            err.println("streamwatch " + command + ": " + Run.rootMessage(e) + " (details in the log file)");
            org.slf4j.LoggerFactory.getLogger(Launcher.class).error("{} failed", command, e);
            return 1;
        }
    }

    /** The parsed flags, or null after printing the help the user asked for. */
    private static Options.Parsed parse(Options options, String[] args) {
        Options.Parsed p = options.parse(args);
        if (!p.helpRequested()) return p;
        System.out.print(options.help());
        return null;
    }

    private static void logTo(Path file) {
        if (System.getProperty(LOG_FILE_PROPERTY) == null) System.setProperty(LOG_FILE_PROPERTY, file.toString());
    }

    /** Hands over to the NAB evaluation, which another part of the project provides. */
    private static int nab(String[] args, PrintStream err) throws Exception {
        Class<?> nab;
        try {
            nab = Class.forName(NAB_COMMAND);
        } catch (ClassNotFoundException e) {
            err.println("streamwatch nab: this build has no NAB command yet (" + NAB_COMMAND + " is missing)");
            return 2;
        }
        try {
            nab.getMethod("main", String[].class).invoke(null, (Object) args);
            return 0;
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }
}

package io.streamwatch.local;

import io.streamwatch.bench.BenchCommand;
import io.streamwatch.config.ConfigException;
import io.streamwatch.config.Durations;
import io.streamwatch.nab.NabCommand;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Entry point of {@code ./streamwatch}: one picocli command per subcommand, one duration grammar
 * (the YAML reader's, {@link Durations}), and the exit codes decided here only: 0 done, 1 failed
 * (details in the log file), 2 a problem the user can fix, told in one line on stderr.
 *
 * <p>No logger field: log4j reads its configuration on first use, and the log file's place depends
 * on the flags, so the property naming it is set first ({@link #logTo}).
 */
@Command(
        name = "./streamwatch",
        mixinStandardHelpOptions = true,
        subcommands = {
            Demo.class,
            Db.class,
            Run.class,
            Cluster.class,
            Generate.class,
            DeadLetters.class,
            NabCommand.class,
            BenchCommand.class
        },
        description = "Streamwatch on this machine: ./streamwatch COMMAND --help tells each command's flags.")
public final class Launcher implements Runnable {
    static final String LOG_FILE_PROPERTY = "streamwatch.log.file";
    /** The checkout's folder, set by the script; where conf/ is. */
    static final String HOME_PROPERTY = "streamwatch.root";

    static final int FAILED = 1;
    static final int USAGE = 2;

    @Spec
    CommandSpec spec;

    private Launcher() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        return commandLine(new Launcher(), out, err).execute(args);
    }

    /** Without a command: the overview, and the exit code of a usage problem. */
    @Override
    public void run() {
        throw new ParameterException(
                spec.commandLine(), "name a command: demo, db, run, cluster, generate, dead-letters, nab or bench");
    }

    /** A command line for the given command (the launcher, or one subcommand in tests), wired as main wires it. */
    static CommandLine commandLine(Object command, PrintStream out, PrintStream err) {
        CommandLine cl = new CommandLine(command)
                .registerConverter(Duration.class, Durations::parse)
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true));
        cl.setParameterExceptionHandler((e, args) -> {
            String name = commandName(e.getCommandLine());
            err.println("streamwatch" + name + ": " + e.getMessage() + " (see ./streamwatch" + name + " --help)");
            return USAGE;
        });
        cl.setExecutionExceptionHandler((e, commandLine, parsed) -> {
            String name = commandName(commandLine);
            // only what the user can fix; any other exception, an IllegalArgumentException from a bug
            // included, is logged with its stack trace
            if (e instanceof LauncherException || e instanceof ConfigException) {
                err.println("streamwatch" + name + ": " + e.getMessage());
                return USAGE;
            }
            // one line: a cause that spans several (a stack trace Flink sent) is whole in the log file
            String cause = Run.rootMessage(e).lines().findFirst().orElse("");
            err.println("streamwatch" + name + ": " + cause + " (details in the log file)");
            org.slf4j.LoggerFactory.getLogger(Launcher.class).error("{} failed", name.strip(), e);
            return FAILED;
        });
        return cl;
    }

    /** {@code " cluster start"}: the subcommand's words after {@code streamwatch}. */
    private static String commandName(CommandLine cl) {
        return cl.getParent() == null ? "" : commandName(cl.getParent()) + " " + cl.getCommandName();
    }

    /** Parses a subcommand's arguments into it, as the launcher would: for tests. */
    static <T> T parse(T command, String... args) {
        commandLine(command, System.out, System.err).parseArgs(args);
        return command;
    }

    static void logTo(Path file) {
        if (System.getProperty(LOG_FILE_PROPERTY) == null) System.setProperty(LOG_FILE_PROPERTY, file.toString());
    }

    /** The checkout's folder: the script passes it; else the working directory. */
    static Path home() {
        return Path.of(System.getProperty(HOME_PROPERTY, ".")).toAbsolutePath().normalize();
    }
}

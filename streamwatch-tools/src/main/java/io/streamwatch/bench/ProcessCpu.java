package io.streamwatch.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** CPU time used so far, in nanoseconds: of this JVM, or of a process tree (PostgreSQL's) from Linux's /proc. */
final class ProcessCpu {
    /** USER_HZ: Linux reports process times in these ticks, 100 a second on every architecture Java runs on. */
    private static final long NANOS_PER_TICK = 10_000_000L;

    private ProcessCpu() {}

    /** This JVM's CPU time, every thread, the JIT and the garbage collector included. */
    static long self() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /**
     * The CPU time of a process and all its descendants, those that ended included (a parent
     * that waited for its children has their time in its own counters): for PostgreSQL, whose
     * postmaster forks a backend per connection. -1 where /proc cannot be read.
     */
    static long tree(long rootPid) {
        Map<Long, List<Long>> children = new HashMap<>();
        Map<Long, Long> cpu = new HashMap<>();
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) entries::iterator) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) continue;
                String stat;
                try {
                    stat = Files.readString(p.resolve("stat"));
                } catch (IOException gone) {
                    continue; // the process ended meanwhile
                }
                // the command name is in parentheses and may hold spaces: fields count from after it
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                long pid = Long.parseLong(name);
                long ppid = Long.parseLong(f[1]);
                long ticks =
                        Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
                children.computeIfAbsent(ppid, k -> new ArrayList<>()).add(pid);
                cpu.put(pid, ticks);
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        if (!cpu.containsKey(rootPid)) return -1;
        long ticks = 0;
        Deque<Long> todo = new ArrayDeque<>(List.of(rootPid));
        while (!todo.isEmpty()) {
            long pid = todo.pop();
            ticks += cpu.getOrDefault(pid, 0L);
            todo.addAll(children.getOrDefault(pid, List.of()));
        }
        return ticks * NANOS_PER_TICK;
    }

    /** The postmaster's pid, from the first line of postmaster.pid in the data folder; -1 if unknown. */
    static long postmaster(Path dataDir) {
        try {
            return Long.parseLong(
                    Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).strip());
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}

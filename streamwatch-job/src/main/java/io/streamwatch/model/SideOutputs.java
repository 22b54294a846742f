package io.streamwatch.model;

import org.apache.flink.util.OutputTag;

/**
 * The side outputs every stage may write besides its results: records it could not process, and
 * what it did with records for the ingest ledger.
 */
public final class SideOutputs {
    /** Records a stage failed on; they end in the dead-letter table with the stage's name. */
    public static final OutputTag<DeadLetter> QUARANTINE = new OutputTag<>("quarantine") {};
    /** Deltas of the ingest ledger. */
    public static final OutputTag<LedgerCounts> LEDGER = new OutputTag<>("ingest-ledger") {};

    private SideOutputs() {}

    /**
     * Whether a failure is the infrastructure's (state backend, I/O, interruption) rather than the
     * record's: those must fail the task, since a restart can fix them and skipping would lose data.
     */
    public static void rethrowIfInfrastructure(RuntimeException e) {
        if (isInfrastructure(e)) throw e;
    }

    /** The per-operator metric of records sent to {@link #QUARANTINE}. */
    public static final String QUARANTINED_METRIC = "recordsQuarantined";

    public static boolean isInfrastructure(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof java.io.IOException
                    || c instanceof InterruptedException
                    || c instanceof Error
                    || c.getClass().getName().startsWith("org.apache.flink.")
                    || c.getClass().getName().startsWith("org.rocksdb.")) {
                return true;
            }
            if (c.getCause() == c) break;
        }
        return false;
    }
}

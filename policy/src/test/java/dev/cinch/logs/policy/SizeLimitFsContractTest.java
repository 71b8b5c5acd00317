package dev.cinch.logs.policy;

import dev.cinch.logs.LogStore;
import dev.cinch.logs.LogStores;
import dev.cinch.logs.fs.FsContractTestBase;

/**
 * The whole contract on the fs store behind the size limit's store, with a limit far larger than anything the suite
 * writes: the decorator must change nothing else (seq protocol, retries, writer role, reads, follow, seal, list).
 * What it does when it acts is checked byte for byte in {@link SizeLimitLogStoreTest}: the contract's own
 * expectations (chunk seqs and lengths as sent, reads while open) are exactly what a limit that acts changes.
 */
class SizeLimitFsContractTest extends FsContractTestBase {
    @Override
    protected LogStore openStore() {
        return new SizeLimitLogStore(LogStores.fromClassPath().open(storeConfig()),
                JobLimits.all(new SizeLimit(1L << 40, 1L << 40)));
    }

    /** The decorator stores nothing itself: the big cases prove the fs store in its own suite; here, delegation. */
    @Override
    protected int scalePercent() {
        return 25;
    }
}

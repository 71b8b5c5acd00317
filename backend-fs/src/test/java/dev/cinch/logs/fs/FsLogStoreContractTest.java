package dev.cinch.logs.fs;

/** The whole contract on the fs store, opened the way users open it: through ServiceLoader by name. */
class FsLogStoreContractTest extends FsContractTestBase {
}

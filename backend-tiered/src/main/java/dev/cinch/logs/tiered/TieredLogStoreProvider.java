package dev.cinch.logs.tiered;

import dev.cinch.logs.LogStore;
import dev.cinch.logs.LogStoreException;
import dev.cinch.logs.LogStoreProvider;
import dev.cinch.logs.config.CinchConfig;
import dev.cinch.logs.config.StoreContext;
import dev.cinch.sql.Database;
import dev.cinch.sql.Migrator;
import dev.cinch.sql.SchemaComponent;
import dev.cinch.sql.SqlErrorMapper;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code tiered} store: named tiers from {@link TieredConfig}, each opened through its own provider with its own
 * settings, and location records in the metadata database (the one the application lends, else the one the
 * configuration names: {@code DATABASE_URL} or {@code <data-dir>/cinch.db}). The records' table is this module's
 * own, migrated here. A {@link TierDecorator} lent in the context wraps each tier's store (metrics per tier).
 */
public final class TieredLogStoreProvider implements LogStoreProvider {
    /** The tiered store's own tables and their migration history in the shared database. */
    public static final SchemaComponent SCHEMA = new SchemaComponent("log-store-tiered", "tiered_schema_version",
            "db/migration/tiered", TieredLogStoreProvider.class);

    /** Database failures as log store errors: a LogStore throws only LogStoreException types. */
    static final SqlErrorMapper ERRORS = (kind, what, detail, cause) ->
            new LogStoreException(null, what + ": " + kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
                    + " (" + detail + ")", cause);

    private static boolean sameDatabase(CinchConfig a, CinchConfig b) {
        return a.get(Database.URL_KEY).equals(b.get(Database.URL_KEY)) && a.dataDir().equals(b.dataDir());
    }

    @Override
    public String name() {
        return TieredLogStore.NAME;
    }

    @Override
    public Set<String> configKeys() {
        return TieredConfig.fixedKeys();
    }

    @Override
    public boolean readsKey(String key) {
        return TieredConfig.isTieredKey(key);
    }

    @Override
    public LogStore open(StoreContext context) {
        return open(context, Clock.systemUTC());
    }

    /** With a given clock: the archival rules' ages are counted by it (tests move it). */
    public TieredLogStore open(StoreContext context, Clock clock) {
        CinchConfig config = context.config();
        TieredConfig tiered = TieredConfig.from(config);
        Database db = context.lent(Database.class).map(d -> d.lend(ERRORS))
                .orElseGet(() -> Database.open(config, ERRORS));
        TierDecorator decorator = context.lent(TierDecorator.class).orElse((tier, store) -> store);
        List<Tier> tiers = new ArrayList<>();
        try {
            new Migrator(db, SCHEMA).migrate();
            for (TierSpec spec : tiered.tiers()) {
                CinchConfig view = config.nested(TieredConfig.prefix(spec.name())).with(CinchConfig.LOG_STORE, spec.store());
                // A tier in the same database (a db tier without database settings of its own) borrows this pool:
                // on SQLite a second pool would contend with the first for the one write lock.
                Map<Class<?>, Object> lent = new HashMap<>(context.lent());
                if (sameDatabase(config, view)) {
                    lent.putIfAbsent(Database.class, db);
                }
                LogStore opened = context.stores().open(spec.store(), view, lent);
                LogStore decorated;
                try {
                    decorated = decorator.decorate(spec.name(), opened);
                } catch (RuntimeException e) {
                    opened.close();
                    throw e;
                }
                tiers.add(new Tier(spec, tiers.size(), new TierStore(spec.name(), decorated)));
            }
        } catch (RuntimeException e) {
            tiers.forEach(t -> t.store().close());
            db.close();
            throw e;
        }
        return new TieredLogStore(tiered, tiers, db, clock);
    }
}

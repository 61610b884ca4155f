package city.onestop.transit.gtfs;

import city.onestop.platform.ProblemException;
import city.onestop.transit.TransitProperties;
import city.onestop.transit.schedule.CurrentVersions;
import city.onestop.transit.schedule.Timetables;
import city.onestop.transit.schedule.TransitCache;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * One import: record it as running (one per feed across instances), parse and compile the zip off the event loop,
 * COPY it into a new version, switch to it in one transaction, then purge what nobody can read any more. A failure
 * at any step leaves the current version as it was and is recorded with its code in the import history.
 */
@Component
public class FeedImporter {

    private static final Logger log = LoggerFactory.getLogger(FeedImporter.class);

    private final FeedStore store;
    private final CurrentVersions versions;
    private final TransitCache cache;
    private final Timetables timetables;
    private final TransitProperties properties;
    private final Clock clock;

    FeedImporter(FeedStore store, CurrentVersions versions, TransitCache cache, Timetables timetables,
            TransitProperties properties, Clock clock) {
        this.store = store;
        this.versions = versions;
        this.cache = cache;
        this.timetables = timetables;
        this.properties = properties;
        this.clock = clock;
    }

    /**
     * Imports {@code zip} as the next version of {@code feedId}. With {@code skipUnchanged}, a zip whose SHA-256
     * equals the current version's is recorded as UNCHANGED and not loaded.
     */
    public Mono<FeedStore.ImportRecord> importZip(String feedId, String trigger, Path zip, FeedStore.Source source,
            boolean skipUnchanged) {
        return store.startImport(feedId, trigger, clock.instant())
                .flatMap(importId -> versions.importStarted(feedId).thenReturn(importId))
                .flatMap(importId -> run(importId, feedId, zip, source, skipUnchanged)
                .onErrorResume(e -> Mono.defer(() -> fail(importId, feedId, e)))
                .then(store.history(feedId, 1, importId + 1).next()));
    }

    private Mono<Void> run(long importId, String feedId, Path zip, FeedStore.Source given, boolean skipUnchanged) {
        return Mono.fromCallable(() -> sha256(zip)).subscribeOn(Schedulers.boundedElastic())
                .map(sha -> new FeedStore.Source(given.url(), given.etag(), given.lastModified(), sha))
                .zipWith(store.feed(feedId))
                .flatMap(t -> {
                    var source = t.getT1();
                    var state = t.getT2();
                    if (skipUnchanged && state.currentVersion() != null && source.sha256().equals(state.sha256())) {
                        return store.touchSource(feedId, source)
                                .then(Mono.defer(() -> store.finishImport(importId, "UNCHANGED", state.currentVersion(), null, null,
                                        "The feed is identical to the current version", clock.instant())));
                    }
                    return load(importId, feedId, zip, source);
                });
    }

    private Mono<Void> load(long importId, String feedId, Path zip, FeedStore.Source source) {
        var limits = new GtfsReader.Limits(properties.maxUncompressedSize().toBytes(), properties.maxDroppedRowRatio());
        long t0 = System.nanoTime();
        return Mono.fromCallable(() -> {
                    var result = GtfsReader.read(zip, limits);
                    long t1 = System.nanoTime();
                    var compiled = Patterns.compile(result.feed(), result.report());
                    log.info("Feed {}: parsed in {} ms, patterns and distances in {} ms", feedId, (t1 - t0) / 1_000_000,
                            (System.nanoTime() - t1) / 1_000_000);
                    return new Object[] {result, compiled};
                })
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(parsed -> {
                    var result = (GtfsReader.Result) parsed[0];
                    var compiled = (Patterns.Compiled) parsed[1];
                    var info = result.feed().feedInfo();
                    return store.createVersion(feedId, info == null ? null : info.version(), result.feed().timezone())
                            .flatMap(v -> store.load(v, result.feed(), compiled)
                                    .doOnSuccess(x -> log.info("Feed {}: loaded with COPY {} ms after start", feedId,
                                            (System.nanoTime() - t0) / 1_000_000))
                                    .then(Mono.defer(() -> store.activate(feedId, v, source, clock.instant())))
                                    .onErrorResume(e -> store.failVersion(v).then(Mono.error(e)))
                                    .then(Mono.defer(() -> store.finishImport(importId, "SUCCEEDED", v,
                                            result.report().summary(), null, null, clock.instant())))
                                    .then(versions.switched(feedId))
                                    .then(purge(feedId))
                                    .doOnSuccess(x -> log.info("Feed {} version {} is current: {}", feedId, v,
                                            result.report().summary().counts())));
                });
    }

    private Mono<Void> purge(String feedId) {
        return store.purge(feedId)
                .concatMap(cache::evictVersion)
                .then(Mono.<Void>fromRunnable(timetables::evictSuperseded))
                .onErrorResume(e -> {
                    log.warn("Purging old versions of {} failed (retried at the next import): {}", feedId, e.toString());
                    return Mono.empty();
                });
    }

    private Mono<Void> fail(long importId, String feedId, Throwable e) {
        String code;
        String detail;
        if (e instanceof FeedRejected r) {
            code = r.code();
            detail = r.getMessage();
        } else {
            code = "IMPORT_FAILED";
            detail = e.toString();
            log.error("Import {} failed", importId, e);
        }
        return store.finishImport(importId, "FAILED", null, null, code, detail, clock.instant())
                .then(versions.switched(feedId))
                .then(Mono.error(e instanceof FeedRejected
                        ? new ProblemException(HttpStatus.UNPROCESSABLE_CONTENT, code, "Feed rejected", detail,
                                Map.of("importId", importId))
                        : e));
    }

    static String sha256(Path zip) throws IOException {
        try (InputStream in = Files.newInputStream(zip)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[65536];
            int n;
            while ((n = in.read(buf)) > 0) md.update(buf, 0, n);
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static @Nullable String nullIfBlank(@Nullable String s) {
        return s == null || s.isBlank() ? null : s;
    }
}

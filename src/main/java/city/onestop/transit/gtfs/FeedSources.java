package city.onestop.transit.gtfs;

import city.onestop.platform.ProblemException;
import city.onestop.transit.TransitProperties;
import city.onestop.transit.demo.DemoCity;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Where feeds come from: a configured {@code file:} or {@code http(s):} URL (re-checked every
 * {@code onestop.transit.check-interval} with {@code If-None-Match}/{@code If-Modified-Since}, by one instance at a
 * time: the instance that claims the check in PostgreSQL), an uploaded zip, or the generated demo city.
 */
@Component
public class FeedSources {

    private static final Logger log = LoggerFactory.getLogger(FeedSources.class);

    private final FeedImporter importer;
    private final FeedStore store;
    private final TransitProperties properties;
    private final Clock clock;
    private final Environment env;
    private final WebClient http;
    private final Path tmp;
    private final Disposable.Composite running = Disposables.composite();

    FeedSources(FeedImporter importer, FeedStore store, TransitProperties properties, Clock clock, Environment env,
            @Value("${onestop.data-dir:./data}") Path dataDir) {
        this.importer = importer;
        this.store = store;
        this.properties = properties;
        this.clock = clock;
        this.env = env;
        // Connect and first-byte timeouts here; the whole download is bounded by download-timeout.
        var client = reactor.netty.http.client.HttpClient.create()
                .option(io.netty.channel.ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                .responseTimeout(Duration.ofSeconds(60));
        this.http = WebClient.builder()
                .clientConnector(new org.springframework.http.client.reactive.ReactorClientHttpConnector(client))
                .build();
        this.tmp = dataDir.resolve("transit");
    }

    /** Once the application is ready (Flyway has migrated): the demo import and the periodic checks start. */
    @org.springframework.context.event.EventListener(org.springframework.boot.context.event.ApplicationReadyEvent.class)
    void start() {
        if (properties.feeds().isEmpty()) {
            if (properties.demo() && env.acceptsProfiles(Profiles.of("local"))) {
                running.add(importDemo().subscribe(
                        r -> log.info("Demo city feed: import {} {}", r.importId(), r.status()),
                        e -> log.error("Demo city import failed", e)));
            }
            return;
        }
        long every = properties.checkInterval().toSeconds();
        for (var feed : properties.feeds()) {
            if (feed.staticUrl() == null) continue;
            running.add(Flux.interval(Duration.ZERO, properties.checkInterval())
                    .concatMap(t -> store.claimCheck(feed.id(), clock.instant(), every)
                            .filter(Boolean::booleanValue)
                            .flatMap(x -> importConfigured(feed.id(), "SCHEDULE", true))
                            .doOnNext(r -> log.info("Feed {}: import {} {}", feed.id(), r.importId(), r.status()))
                            .onErrorResume(e -> {
                                log.warn("Feed {}: scheduled import failed: {}", feed.id(), e.getMessage());
                                return Mono.empty();
                            }))
                    .subscribe());
        }
    }

    @PreDestroy
    void stop() {
        running.dispose();
    }

    /** Generates the demo city's zip and imports it as feed {@code demo} unless the current version is identical. */
    public Mono<FeedStore.ImportRecord> importDemo() {
        return Mono.fromCallable(() -> {
                    Files.createDirectories(tmp);
                    Path zip = tmp.resolve("demo-city.zip");
                    Files.write(zip, DemoCity.zip(LocalDate.now(clock).minusDays(7), ""));
                    return zip;
                })
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(zip -> importer.importZip(DemoCity.FEED_ID, "DEMO", zip,
                        new FeedStore.Source("generated:demo-city", null, null, null), true));
    }

    /**
     * Imports a configured feed from its URL; with {@code conditional}, an unchanged source loads nothing (a 304 to
     * the stored validators, or an identical SHA-256) and the answer is the latest import.
     */
    public Mono<FeedStore.ImportRecord> importConfigured(String feedId, String trigger, boolean conditional) {
        var feed = properties.feed(feedId);
        if (feed == null || feed.staticUrl() == null) {
            if (DemoCity.FEED_ID.equals(feedId) && properties.feeds().isEmpty()) return importDemo();
            return Mono.error(ProblemException.notFound("Configured transit feed", feedId));
        }
        var url = feed.staticUrl();
        if ("file".equals(url.getScheme())) {
            return importer.importZip(feedId, trigger, localPath(url), new FeedStore.Source(url.toString(), null, null, null),
                    conditional);
        }
        return store.feed(feedId).map(Optional::of).defaultIfEmpty(Optional.empty()).flatMap(state -> {
            String etag = conditional ? state.map(FeedStore.FeedState::etag).orElse(null) : null;
            String lastModified = conditional ? state.map(FeedStore.FeedState::lastModified).orElse(null) : null;
            return download(url.toString(), etag, lastModified).flatMap(d -> d.zip() == null
                    ? store.history(feedId, 1, null).next()
                    : importer.importZip(feedId, trigger, d.zip(), new FeedStore.Source(url.toString(), d.etag(),
                                    d.lastModified(), null), conditional)
                            .flatMap(r -> delete(d.zip()).thenReturn(r))
                            .onErrorResume(e -> delete(d.zip()).then(Mono.error(e))));
        });
    }

    private record Download(@Nullable Path zip, @Nullable String etag, @Nullable String lastModified) {}

    private Mono<Download> download(String url, @Nullable String etag, @Nullable String lastModified) {
        return Mono.fromCallable(() -> {
                    Files.createDirectories(tmp);
                    return Files.createTempFile(tmp, "feed-", ".zip");
                })
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(file -> http.get().uri(url)
                        .headers(h -> {
                            if (etag != null) h.setIfNoneMatch(etag);
                            if (lastModified != null) h.set(HttpHeaders.IF_MODIFIED_SINCE, lastModified);
                        })
                        .exchangeToMono(resp -> {
                            if (resp.statusCode().value() == 304) {
                                return resp.releaseBody().thenReturn(new Download(null, etag, lastModified));
                            }
                            if (!resp.statusCode().is2xxSuccessful()) {
                                return resp.releaseBody().then(Mono.error(new ProblemException(HttpStatus.BAD_GATEWAY,
                                        "FEED_DOWNLOAD_FAILED", "Feed download failed", url + " answered " + resp.statusCode())));
                            }
                            var headers = resp.headers().asHttpHeaders();
                            return writeLimited(resp.bodyToFlux(DataBuffer.class), file)
                                    .thenReturn(new Download(file, headers.getETag(), headers.getFirst(HttpHeaders.LAST_MODIFIED)));
                        })
                        .timeout(properties.downloadTimeout())
                        .onErrorResume(e -> delete(file).then(Mono.error(e))));
    }

    /** Streams a body to {@code file}, refusing more than the upload limit. */
    public Mono<Void> writeLimited(Flux<DataBuffer> body, Path file) {
        long max = properties.maxUncompressedSize().toBytes();
        long[] seen = {0};
        return DataBufferUtils.write(body.doOnNext(b -> {
            seen[0] += b.readableByteCount();
            if (seen[0] > max) {
                DataBufferUtils.release(b);
                throw new ProblemException(HttpStatus.CONTENT_TOO_LARGE, "PAYLOAD_TOO_LARGE", "Payload too large",
                        "The feed is larger than " + max + " bytes");
            }
        }), file);
    }

    public Mono<Path> tempFile() {
        return Mono.fromCallable(() -> {
            Files.createDirectories(tmp);
            return Files.createTempFile(tmp, "upload-", ".zip");
        }).subscribeOn(Schedulers.boundedElastic());
    }

    public Mono<Void> delete(@Nullable Path file) {
        return Mono.fromRunnable(() -> deleteQuietly(file)).subscribeOn(Schedulers.boundedElastic()).then();
    }

    private static void deleteQuietly(@Nullable Path p) {
        if (p == null) return;
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            log.debug("Could not delete {}", p, e);
        }
    }

    /** {@code file:/abs/feed.zip} or, as operators write it, {@code file:relative/feed.zip} (against the working folder). */
    static Path localPath(java.net.URI url) {
        return url.isOpaque() ? Path.of(url.getSchemeSpecificPart()) : Path.of(url);
    }
}

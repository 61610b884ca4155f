package city.onestop.transit.realtime.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okio.Buffer;

/** A fake agency: a real HTTP server whose answer per path the test sets and changes, recording every request. */
public final class FeedServer implements AutoCloseable {

    private final MockWebServer server = new MockWebServer();
    private final Map<String, Function<RecordedRequest, MockResponse>> routes = new ConcurrentHashMap<>();
    final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();

    public FeedServer() {
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                requests.add(request);
                var route = routes.get(request.getUrl().encodedPath());
                return route == null ? new MockResponse.Builder().code(404).build() : route.apply(request);
            }
        });
        try {
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String url(String path) {
        return server.url(path).toString();
    }

    void answer(String path, Function<RecordedRequest, MockResponse> route) {
        routes.put(path, route);
    }

    /** Serves {@code body} with an ETag, answering 304 when the client sends that ETag back. */
    public void serve(String path, byte[] body, String etag) {
        answer(path, r -> etag.equals(r.getHeaders().get("If-None-Match"))
                ? new MockResponse.Builder().code(304).build()
                : new MockResponse.Builder()
                        .code(200)
                        .addHeader("Content-Type", "application/x-protobuf")
                        .addHeader("ETag", etag)
                        .body(new Buffer().write(body))
                        .build());
    }

    /** Serves {@code body} with no validators at all, like many agency servers. */
    public void serve(String path, byte[] body) {
        answer(path, r -> new MockResponse.Builder().code(200).body(new Buffer().write(body)).build());
    }

    void fail(String path, int status) {
        answer(path, r -> new MockResponse.Builder().code(status).body("upstream trouble").build());
    }

    long count(String path) {
        return requests.stream().filter(r -> r.getUrl().encodedPath().equals(path)).count();
    }

    @Override
    public void close() {
        server.close();
    }
}

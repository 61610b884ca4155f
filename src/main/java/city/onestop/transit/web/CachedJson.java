package city.onestop.transit.web;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.server.ServerWebExchange;

/** Serialized JSON with a strong ETag of its bytes and {@code Cache-Control}; answers 304 to a matching If-None-Match. */
final class CachedJson {

    private CachedJson() {}

    static ResponseEntity<byte[]> respond(ServerWebExchange exchange, byte[] body, Duration maxAge) {
        return respond(exchange, body, etag(body), maxAge);
    }

    /** A strong ETag of the bytes: SHA-256, first 16 bytes, quoted. */
    static String etag(byte[] body) {
        return "\"" + hash(body) + "\"";
    }

    /** With an ETag computed once with the bytes (immutable per feed version: stops, routes). */
    static ResponseEntity<byte[]> respond(ServerWebExchange exchange, byte[] body, String etag, Duration maxAge) {
        var cache = CacheControl.maxAge(maxAge).cachePublic();
        var ifNoneMatch = exchange.getRequest().getHeaders().getIfNoneMatch();
        if (ifNoneMatch.contains(etag) || ifNoneMatch.contains("*")) {
            return ResponseEntity.status(HttpStatus.NOT_MODIFIED).eTag(etag).cacheControl(cache).build();
        }
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).eTag(etag).cacheControl(cache).body(body);
    }

    private static String hash(byte[] body) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(body);
            return HexFormat.of().formatHex(d, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

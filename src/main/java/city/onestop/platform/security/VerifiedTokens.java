package city.onestop.platform.security;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import reactor.core.publisher.Mono;

/**
 * Access tokens whose signature was verified, kept for their lifetime so that a client's next request with the same
 * token skips parsing, the HMAC and the claim conversion (issue #11: a few hundred microseconds of CPU per request).
 * A hit is validated again with the decoder's own validator (expiry, not-before, issuer), so a token stops working at
 * the same instant as before; a token that fails is dropped and decoded afresh, which answers as the decoder does.
 * Only what the decoder accepted is kept, keyed by the whole token string (its signature included), so a token with
 * any byte changed is never a hit. Bounded: at {@code maxEntries} the expired entries go, and all of them if more than half
 * are still live (a lock-free bound; the next requests verify again).
 */
final class VerifiedTokens implements ReactiveJwtDecoder {

    private final ReactiveJwtDecoder decoder;
    private final OAuth2TokenValidator<Jwt> validator;
    private final int maxEntries;
    private final Map<String, Jwt> verified = new ConcurrentHashMap<>();

    VerifiedTokens(ReactiveJwtDecoder decoder, OAuth2TokenValidator<Jwt> validator, int maxEntries) {
        this.decoder = decoder;
        this.validator = validator;
        this.maxEntries = maxEntries;
    }

    @Override
    public Mono<Jwt> decode(String token) {
        Jwt known = verified.get(token);
        if (known != null) {
            if (!validator.validate(known).hasErrors()) {
                return Mono.just(known);
            }
            verified.remove(token);
        }
        return decoder.decode(token).doOnNext(jwt -> keep(token, jwt));
    }

    private void keep(String token, Jwt jwt) {
        if (jwt.getExpiresAt() == null) {
            return; // a token without an end is verified every time
        }
        if (verified.size() >= maxEntries) {
            verified.values().removeIf(j -> validator.validate(j).hasErrors());
            if (verified.size() > maxEntries / 2) {
                verified.clear(); // mostly live tokens: start over rather than sweep again at the next insert
            }
        }
        verified.put(token, jwt);
    }

    int size() {
        return verified.size();
    }
}

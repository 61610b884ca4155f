package city.onestop.platform;

import java.util.Set;
import java.util.UUID;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import reactor.core.publisher.Mono;

/** The authenticated principal of the current request, read from the reactive security context. */
public record CurrentUser(UUID id, Set<Role> roles, Set<String> scopes) {

    public boolean has(Role role) {
        return roles.contains(role);
    }

    /** The current user; empty when the request is anonymous. */
    public static Mono<CurrentUser> find() {
        return ReactiveSecurityContextHolder.getContext()
                .mapNotNull(ctx -> ctx.getAuthentication())
                .filter(JwtAuthenticationToken.class::isInstance)
                .cast(JwtAuthenticationToken.class)
                .map(auth -> {
                    var jwt = auth.getToken();
                    var roles = new java.util.HashSet<Role>();
                    var claim = jwt.getClaimAsStringList("roles");
                    if (claim != null) {
                        for (String r : claim) {
                            try {
                                roles.add(Role.valueOf(r));
                            } catch (IllegalArgumentException ignored) {
                                // an external issuer may carry roles OneStop does not know: they grant nothing here
                            }
                        }
                    }
                    var scopes = jwt.getClaimAsStringList("scope");
                    return new CurrentUser(
                            UUID.fromString(jwt.getSubject()), Set.copyOf(roles), scopes == null ? Set.of() : Set.copyOf(scopes));
                });
    }

    /** The current user, or 401 when anonymous (endpoints behind authentication never see that). */
    public static Mono<CurrentUser> get() {
        // The error is built only when there is no user: a ProblemException per request (its stack trace) was a cost.
        return find().switchIfEmpty(Mono.error(() -> new ProblemException(
                org.springframework.http.HttpStatus.UNAUTHORIZED, "UNAUTHENTICATED", "Unauthorized", "Authentication is required")));
    }
}

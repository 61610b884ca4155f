package city.onestop.platform.security;

import city.onestop.platform.AccessTokens;
import city.onestop.platform.PublicPaths;
import city.onestop.platform.Role;
import city.onestop.platform.web.ProblemWriter;
import city.onestop.platform.web.Problems;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import javax.crypto.SecretKey;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.convert.converter.Converter;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.MappedJwtClaimSetConverter;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.ReactiveJwtAuthenticationConverterAdapter;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedHandler;
import org.springframework.security.web.server.header.ReferrerPolicyServerHttpHeadersWriter;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.reactive.CorsConfigurationSource;
import org.springframework.web.cors.reactive.UrlBasedCorsConfigurationSource;
import reactor.core.publisher.Mono;

/**
 * Stateless resource-server security: every request is anonymous or carries a bearer JWT; only paths a
 * module declares in a {@link PublicPaths} bean are open. {@code /api/v1/admin/**} needs ADMIN.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebFluxSecurity
class SecurityConfig {

    @Bean
    SecretKey jwtSigningKey(
            @Value("${onestop.security.jwt.secret:}") String secret, @Value("${onestop.data-dir:./data}") String dataDir) {
        return JwtKeys.load(secret, Path.of(dataDir));
    }

    @Bean
    AccessTokens accessTokens(
            SecretKey key, @Value("${onestop.security.jwt.access-token-lifetime:15m}") Duration lifetime, Clock clock) {
        return new JwtAccessTokens(new NimbusJwtEncoder(new ImmutableSecret<>(key)), lifetime, clock);
    }

    @Bean
    ReactiveJwtDecoder jwtDecoder(SecretKey key, @Value("${onestop.security.jwt.jwk-set-uri:}") String jwkSetUri,
            @Value("${onestop.security.jwt.issuer:}") String externalIssuer,
            @Value("${onestop.security.jwt.verified-cache-size:20000}") int verifiedCacheSize) {
        if (!jwkSetUri.isBlank()) {
            // A deployment that delegates login to the city's OIDC provider validates its tokens instead.
            NimbusReactiveJwtDecoder external = NimbusReactiveJwtDecoder.withJwkSetUri(jwkSetUri).build();
            OAuth2TokenValidator<Jwt> validator = externalIssuer.isBlank()
                    ? JwtValidators.createDefault() : JwtValidators.createDefaultWithIssuer(externalIssuer);
            external.setJwtValidator(validator);
            return new VerifiedTokens(external, validator, verifiedCacheSize);
        }
        NimbusReactiveJwtDecoder decoder =
                NimbusReactiveJwtDecoder.withSecretKey(key).macAlgorithm(MacAlgorithm.HS256).build();
        OAuth2TokenValidator<Jwt> validator = new DelegatingOAuth2TokenValidator<>(
                JwtValidators.createDefaultWithIssuer(JwtAccessTokens.ISSUER));
        decoder.setJwtValidator(validator);
        // Our issuer is "onestop", not a URL: the default claim conversion tried java.net.URL first and threw (and
        // caught) an IllegalArgumentException for every token it decoded, before keeping the string it keeps here.
        decoder.setClaimSetConverter(MappedJwtClaimSetConverter.withDefaults(
                Map.of(JwtClaimNames.ISS, iss -> iss == null ? null : iss.toString())));
        // Verified tokens are kept for their lifetime and validated again on every use (expiry, issuer).
        return new VerifiedTokens(decoder, validator, verifiedCacheSize);
    }

    @Bean
    PublicPaths platformPublicPaths() {
        return PublicPaths.get(
                "/actuator/health", "/actuator/health/**", "/actuator/info", "/actuator/prometheus",
                "/v3/api-docs", "/v3/api-docs/**", "/swagger-ui.html", "/swagger-ui/**", "/webjars/**");
    }

    /**
     * CORS for the city's web apps: only the origins in {@code onestop.http.cors.allowed-origins} (a list; none by
     * default, so browsers on other sites cannot call the API). Bearer tokens, not cookies: no credentials mode.
     */
    @Bean
    CorsConfigurationSource corsConfigurationSource(Environment environment) {
        List<String> origins = Binder.get(environment)
                .bind("onestop.http.cors.allowed-origins", Bindable.listOf(String.class))
                .orElse(List.of())
                .stream()
                .map(String::strip)
                .filter(o -> !o.isEmpty())
                .toList();
        UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
        if (!origins.isEmpty()) {
            CorsConfiguration cors = new CorsConfiguration();
            cors.setAllowedOrigins(origins);
            cors.setAllowedMethods(List.of("GET", "POST", "PUT", "DELETE", "PATCH"));
            cors.setAllowedHeaders(List.of("Authorization", "Content-Type", "Idempotency-Key", "X-Request-Id", "Last-Event-ID"));
            cors.setExposedHeaders(List.of("X-Request-Id", "Idempotent-Replayed", "Retry-After", "Location"));
            cors.setAllowCredentials(false);
            cors.setMaxAge(Duration.ofHours(1));
            source.registerCorsConfiguration("/**", cors);
        }
        return source;
    }

    @Bean
    SecurityWebFilterChain securityWebFilterChain(
            ServerHttpSecurity http, List<PublicPaths> publicPaths, ProblemWriter writer, UnknownRoutes unknownRoutes,
            ManagementPort managementPort, @Value("${onestop.security.hsts:true}") boolean hsts, CorsConfigurationSource cors) {
        http.csrf(ServerHttpSecurity.CsrfSpec::disable)
                .cors(c -> c.configurationSource(cors))
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .requestCache(ServerHttpSecurity.RequestCacheSpec::disable)
                .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
                .headers(h -> {
                    h.frameOptions(f -> f.mode(org.springframework.security.web.server.header.XFrameOptionsServerHttpHeadersWriter.Mode.DENY));
                    h.referrerPolicy(r -> r.policy(ReferrerPolicyServerHttpHeadersWriter.ReferrerPolicy.NO_REFERRER));
                    if (!hsts) {
                        h.hsts(ServerHttpSecurity.HeaderSpec.HstsSpec::disable);
                    }
                })
                .authorizeExchange(ex -> {
                    // Actuator on its own port: the port is the boundary (loopback or a private network).
                    ex.matchers(managementPort).permitAll();
                    for (PublicPaths p : publicPaths) {
                        String[] patterns = p.patterns().toArray(String[]::new);
                        if (p.method() == null) {
                            ex.pathMatchers(patterns).permitAll();
                        } else {
                            ex.pathMatchers(p.method(), patterns).permitAll();
                        }
                    }
                    ex.pathMatchers("/api/v1/admin/**").hasRole(Role.ADMIN.name());
                    // An unknown route is a 404 for everyone, not a 401 that hides it.
                    ex.matchers(unknownRoutes).permitAll();
                    ex.anyExchange().authenticated();
                })
                .oauth2ResourceServer(rs -> rs.jwt(jwt -> jwt.jwtAuthenticationConverter(authenticationConverter()))
                        .authenticationEntryPoint((exchange, e) -> writer.write(exchange, problem(exchange, HttpStatus.UNAUTHORIZED,
                                "UNAUTHENTICATED", "Unauthorized", "A valid access token is required")))
                        .accessDeniedHandler((exchange, e) -> writer.write(exchange, problem(exchange, HttpStatus.FORBIDDEN,
                                "FORBIDDEN", "Forbidden", "You are not allowed to do this"))))
                .exceptionHandling(eh -> eh
                        .authenticationEntryPoint((exchange, e) -> writer.write(exchange, problem(exchange, HttpStatus.UNAUTHORIZED,
                                "UNAUTHENTICATED", "Unauthorized", "A valid access token is required")))
                        .accessDeniedHandler((exchange, e) -> writer.write(exchange, problem(exchange, HttpStatus.FORBIDDEN,
                                "FORBIDDEN", "Forbidden", "You are not allowed to do this"))));
        return http.build();
    }

    /**
     * The firewall's refusals (encoded slashes or NULs in the path, double slashes, "..", bad header characters)
     * as problem+json like every other error; without this bean Spring Security answers a bare 400.
     */
    @Bean
    ServerExchangeRejectedHandler exchangeRejectedHandler(ProblemWriter writer) {
        return (exchange, rejected) -> writer.write(exchange, Problems.from(rejected, exchange));
    }

    private static ProblemDetail problem(org.springframework.web.server.ServerWebExchange exchange, HttpStatus status,
            String code, String title, String detail) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(status, detail);
        p.setTitle(title);
        return Problems.finish(p, code, exchange);
    }

    private static Converter<Jwt, Mono<AbstractAuthenticationToken>> authenticationConverter() {
        Converter<Jwt, AbstractAuthenticationToken> converter = jwt -> {
            Collection<GrantedAuthority> authorities = new ArrayList<>();
            List<String> roles = jwt.getClaimAsStringList("roles");
            if (roles != null) {
                roles.forEach(r -> authorities.add(new SimpleGrantedAuthority("ROLE_" + r)));
            }
            return new JwtAuthenticationToken(jwt, authorities, jwt.getSubject());
        };
        return new ReactiveJwtAuthenticationConverterAdapter(converter);
    }

}

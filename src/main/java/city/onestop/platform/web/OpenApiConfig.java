package city.onestop.platform.web;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import city.onestop.platform.PublicPaths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * The OpenAPI document: bearer security by default, the Problem schema, and problem+json error responses
 * added to every operation that does not document its own, so the document stays honest as endpoints grow.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfig {

    static final String BEARER = "bearerAuth";

    @Bean
    OpenAPI oneStopOpenApi() {
        return new OpenAPI()
                .info(new Info()
                        .title("OneStop City API")
                        .version("v1")
                        .description("One login and one set of endpoints for a city's buses, utility bills and hospital appointments. "
                                + "Errors are RFC 9457 application/problem+json with a stable `code`.")
                        .license(new License().name("Apache-2.0")))
                .components(new Components()
                        .addSecuritySchemes(BEARER, new SecurityScheme()
                                .type(SecurityScheme.Type.HTTP).scheme("bearer").bearerFormat("JWT"))
                        .addSchemas("Problem", problemSchema()))
                .addSecurityItem(new SecurityRequirement().addList(BEARER));
        // The document-wide default stays the bearer scheme; every operation also states its own (problemResponses).
    }

    @SuppressWarnings("rawtypes")
    private static Schema problemSchema() {
        return new ObjectSchema()
                .description("RFC 9457 problem details")
                .addProperty("type", new StringSchema().example("/problems/validation-failed"))
                .addProperty("title", new StringSchema().example("Validation failed"))
                .addProperty("status", new IntegerSchema().example(400))
                .addProperty("detail", new StringSchema().example("The request has invalid fields"))
                .addProperty("instance", new StringSchema().example("/api/v1/auth/register"))
                .addProperty("code", new StringSchema().example("VALIDATION_FAILED"))
                .addProperty("requestId", new StringSchema().example("3f1c2a9e-6a43-4d55-9d0c-0b8a3f6a2b11"))
                .addProperty("errors", new io.swagger.v3.oas.models.media.ArraySchema().items(new ObjectSchema()
                        .addProperty("field", new StringSchema())
                        .addProperty("message", new StringSchema())));
    }

    /**
     * What every operation can answer besides its own successes, and who may call it, derived from the same sources
     * the running service uses: the {@link PublicPaths} beans decide security per operation (public ones get an
     * empty requirement, every other one the bearer scheme, explicitly), the platform's filters and error handler
     * decide the error statuses. An operation's own {@code @ApiResponse} for a status wins.
     */
    @Bean
    OpenApiCustomizer problemResponses(List<PublicPaths> publicPaths) {
        PathPatternParser parser = new PathPatternParser();
        List<Map.Entry<PublicPaths, List<PathPattern>>> open = publicPaths.stream()
                .map(p -> Map.entry(p, p.patterns().stream().map(parser::parse).toList()))
                .toList();
        return openApi -> {
            if (openApi.getPaths() == null) {
                return;
            }
            openApi.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, op) -> {
                boolean isPublic = isPublic(open, method.name(), path);
                op.setSecurity(isPublic ? new ArrayList<>() : new ArrayList<>(List.of(new SecurityRequirement().addList(BEARER))));
                var responses = op.getResponses();
                boolean hasBody = op.getRequestBody() != null;
                boolean idempotent = op.getParameters() != null
                        && op.getParameters().stream().anyMatch(p -> "Idempotency-Key".equalsIgnoreCase(p.getName()));
                Map<String, String> defaults = new LinkedHashMap<>();
                defaults.put("400", "Invalid request (problem+json, code BAD_REQUEST, VALIDATION_FAILED, MALFORMED_BODY or INVALID_VALUE)");
                if (!isPublic) {
                    defaults.put("401", "Missing, expired or invalid access token (code UNAUTHENTICATED)");
                    defaults.put("403", "Authenticated but not allowed (code FORBIDDEN)");
                }
                if (path.contains("{")) {
                    defaults.put("404", "No such resource, or not yours (code NOT_FOUND)");
                }
                defaults.put("406", "None of the media types in Accept can be produced (code NOT_ACCEPTABLE)");
                if (idempotent) {
                    defaults.put("409", "A request with this Idempotency-Key is still in flight (code IDEMPOTENCY_IN_PROGRESS)");
                    defaults.put("422", "This Idempotency-Key was used with a different request (code IDEMPOTENCY_KEY_REUSED)");
                }
                defaults.put("413", "The request body is larger than allowed (code PAYLOAD_TOO_LARGE)");
                if (hasBody) {
                    defaults.put("415", "The Content-Type is not one this operation reads (code UNSUPPORTED_MEDIA_TYPE)");
                }
                defaults.put("429", "Too many requests (code TOO_MANY_REQUESTS; Retry-After says when to retry)");
                defaults.put("500", "Unexpected failure; no internals are disclosed (code INTERNAL_ERROR)");
                defaults.put("503", "A dependency is unavailable for now (code SERVICE_UNAVAILABLE or a feature's own)");
                defaults.forEach((status, description) -> {
                    if (!responses.containsKey(status)) {
                        responses.addApiResponse(status, problem(description));
                    }
                });
            }));
        };
    }

    private static boolean isPublic(List<Map.Entry<PublicPaths, List<PathPattern>>> open, String method, String path) {
        // A concrete path for the template: each {variable} becomes one segment.
        PathContainer concrete = PathContainer.parsePath(path.replaceAll("\\{[^}]+}", "x"));
        return open.stream().anyMatch(e -> (e.getKey().method() == null || e.getKey().method().name().equals(method))
                && e.getValue().stream().anyMatch(p -> p.matches(concrete)));
    }

    static ApiResponse problem(String description) {
        return new ApiResponse()
                .description(description)
                .content(new Content().addMediaType("application/problem+json",
                        new MediaType().schema(new Schema<>().$ref("#/components/schemas/Problem"))));
    }
}

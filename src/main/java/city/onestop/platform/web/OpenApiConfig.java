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
import java.util.Map;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

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

    @Bean
    OpenApiCustomizer problemResponses() {
        return openApi -> {
            if (openApi.getPaths() == null) {
                return;
            }
            openApi.getPaths().values().forEach(item -> item.readOperations().forEach(op -> {
                var responses = op.getResponses();
                boolean open = op.getSecurity() != null && op.getSecurity().isEmpty();
                Map<String, String> defaults = new java.util.LinkedHashMap<>();
                defaults.put("400", "Invalid request (problem+json, code BAD_REQUEST or VALIDATION_FAILED)");
                if (!open) {
                    defaults.put("401", "Missing, expired or invalid access token (code UNAUTHENTICATED)");
                    defaults.put("403", "Authenticated but not allowed (code FORBIDDEN)");
                }
                defaults.put("429", "Too many requests (code TOO_MANY_REQUESTS)");
                defaults.put("500", "Unexpected failure; no internals are disclosed (code INTERNAL_ERROR)");
                defaults.forEach((status, description) -> {
                    if (!responses.containsKey(status)) {
                        responses.addApiResponse(status, problem(description));
                    }
                });
            }));
        };
    }

    static ApiResponse problem(String description) {
        return new ApiResponse()
                .description(description)
                .content(new Content().addMediaType("application/problem+json",
                        new MediaType().schema(new Schema<>().$ref("#/components/schemas/Problem"))));
    }
}

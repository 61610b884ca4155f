package city.onestop.platform.web;

import java.lang.reflect.Type;
import java.util.LinkedHashSet;
import java.util.Set;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.core.MethodParameter;
import org.springframework.core.ResolvableType;
import org.springframework.http.HttpEntity;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.json.JsonMapper;

/**
 * Builds Jackson's deserializers for every {@code @RequestBody} type and serializers for every handler's return
 * type once, at start-up, before the server takes requests. Jackson creates them on first use under a lock in its
 * deserializer cache; two event loops decoding the same new type at once then park on that lock, which blocks an
 * event-loop thread (BlockHound reports it, and in production it stalls every connection of that loop).
 * Serializers for values only known at run time (inside a {@code Map<String, Object>}) are still made lazily.
 */
@Component
class JsonCodecWarmUp implements SmartInitializingSingleton {

    private static final Logger log = LoggerFactory.getLogger(JsonCodecWarmUp.class);

    private final ObjectProvider<RequestMappingHandlerMapping> mappings;
    private final JsonMapper json;

    JsonCodecWarmUp(ObjectProvider<RequestMappingHandlerMapping> mappings, JsonMapper json) {
        this.mappings = mappings;
        this.json = json;
    }

    @Override
    public void afterSingletonsInstantiated() {
        Set<Type> read = new LinkedHashSet<>();
        Set<Type> written = new LinkedHashSet<>();
        written.add(ProblemDetail.class);
        mappings.orderedStream().forEach(mapping -> mapping.getHandlerMethods().values().forEach(method -> {
            for (MethodParameter parameter : method.getMethodParameters()) {
                if (parameter.hasParameterAnnotation(RequestBody.class)) {
                    read.add(payload(ResolvableType.forMethodParameter(parameter)).getType());
                }
            }
            written.add(payload(ResolvableType.forMethodReturnType(method.getMethod())).getType());
        }));
        int failures = 0;
        for (Type type : read) {
            failures += warm(type, true);
        }
        for (Type type : written) {
            failures += warm(type, false);
        }
        log.debug("Prepared JSON readers for {} and writers for {} types ({} not preparable)", read.size(), written.size(), failures);
    }

    private int warm(Type type, boolean reader) {
        try {
            JavaType javaType = json.constructType(type);
            if (reader) {
                json.readerFor(javaType);
            } else {
                json.writerFor(javaType);
            }
            return 0;
        } catch (RuntimeException e) {
            // A type Jackson cannot handle fails the same way on first use; nothing is gained by failing start-up.
            log.debug("Could not prepare JSON {} for {}: {}", reader ? "reader" : "writer", type, e.toString());
            return 1;
        }
    }

    /** The type Jackson actually reads or writes: {@code Mono<ResponseEntity<List<X>>>} → {@code List<X>}. */
    private static ResolvableType payload(ResolvableType type) {
        ResolvableType current = type;
        for (int i = 0; i < 4; i++) {
            Class<?> raw = current.resolve(Object.class);
            if (Publisher.class.isAssignableFrom(raw)) {
                current = current.as(Publisher.class).getGeneric(0);
            } else if (HttpEntity.class.isAssignableFrom(raw)) {
                current = current.as(HttpEntity.class).getGeneric(0);
            } else {
                break;
            }
        }
        return current;
    }
}

package city.onestop.notification.delivery;

import city.onestop.platform.CurrentUser;
import city.onestop.platform.ProblemException;
import city.onestop.platform.PublicPaths;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

@RestController
@Tag(name = "Devices", description = "My devices that receive notifications while the app is closed (Web Push)")
class DeviceController {

    private final DeviceStore store;
    private final VapidKeyring keyring;
    private final Clock clock;

    DeviceController(DeviceStore store, VapidKeyring keyring, Clock clock) {
        this.store = store;
        this.keyring = keyring;
        this.clock = clock;
    }

    enum DeviceType { WEB_PUSH }

    /** The browser's {@code PushSubscription.toJSON().keys}: base64url. */
    record Keys(@NotBlank @Size(max = 200) String p256dh, @NotBlank @Size(max = 100) String auth) {}

    record NewDevice(@NotNull DeviceType type, @NotBlank @Size(max = 2000) String endpoint, @NotNull @Valid Keys keys) {}

    record DeviceView(UUID id, DeviceType type, String endpoint, OffsetDateTime createdAt) {}

    record DeviceList(List<DeviceView> items) {}

    record VapidPublicKey(String publicKey) {}

    @Bean
    static PublicPaths pushPublicPaths() {
        return PublicPaths.get("/api/v1/push/vapid-public-key");
    }

    @GetMapping(path = "/api/v1/push/vapid-public-key", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(operationId = "getVapidPublicKey", summary = "The VAPID public key (RFC 8292) to subscribe with: pass it as "
            + "applicationServerKey to PushManager.subscribe (uncompressed P-256 point, base64url)")
    Mono<VapidPublicKey> vapidPublicKey() {
        return Mono.just(new VapidPublicKey(keyring.applicationServerKey()));
    }

    @PostMapping(path = "/api/v1/me/devices", consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(operationId = "registerDevice", summary = "Register a Web Push subscription {type: WEB_PUSH, endpoint, keys {p256dh, auth}}; "
            + "the same endpoint again updates its keys; 400 INVALID_DEVICE for a non-https endpoint or malformed keys; "
            + "409 DEVICES_LIMIT at 10")
    Mono<DeviceView> register(@Valid @RequestBody NewDevice body) {
        validate(body);
        return CurrentUser.get()
                .flatMap(u -> store.register(u.id(), body.endpoint().trim(), body.keys().p256dh().trim(), body.keys().auth().trim(),
                        clock.instant()))
                .switchIfEmpty(Mono.error(() -> ProblemException.conflict("DEVICES_LIMIT", "At most " + DeviceStore.MAX_PER_CITIZEN
                        + " devices; remove one first")))
                .map(DeviceController::view);
    }

    @GetMapping(path = "/api/v1/me/devices", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(operationId = "listDevices", summary = "My registered devices (at most 10, so not paginated)")
    Mono<DeviceList> list() {
        return CurrentUser.get().flatMap(u -> store.list(u.id()))
                .map(l -> new DeviceList(l.stream().map(DeviceController::view).toList()));
    }

    @DeleteMapping("/api/v1/me/devices/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(operationId = "deleteDevice", summary = "Stop sending to this device")
    Mono<Void> delete(@PathVariable UUID id) {
        return CurrentUser.get().flatMap(u -> store.delete(u.id(), id))
                .flatMap(done -> done ? Mono.<Void>empty() : Mono.error(ProblemException.notFound("Device", id.toString())));
    }

    private static void validate(NewDevice body) {
        URI endpoint;
        try {
            endpoint = URI.create(body.endpoint().trim());
        } catch (IllegalArgumentException e) {
            throw invalid("endpoint is not a URL");
        }
        // RFC 8030 push services are https; http is accepted for a loopback service (tests, the local simulation).
        boolean loopback = endpoint.getHost() != null
                && (endpoint.getHost().equals("localhost") || endpoint.getHost().equals("127.0.0.1") || endpoint.getHost().equals("[::1]"));
        if (endpoint.getHost() == null || !("https".equals(endpoint.getScheme()) || ("http".equals(endpoint.getScheme()) && loopback))) {
            throw invalid("endpoint must be an https URL of a push service");
        }
        byte[] p256dh = decode(body.keys().p256dh(), "keys.p256dh");
        if (p256dh.length != 65 || p256dh[0] != 4) {
            throw invalid("keys.p256dh must be an uncompressed P-256 public key (65 bytes, base64url)");
        }
        if (decode(body.keys().auth(), "keys.auth").length != 16) {
            throw invalid("keys.auth must be a 16-byte secret (base64url)");
        }
    }

    private static byte[] decode(String value, String field) {
        try {
            return Base64.getUrlDecoder().decode(value.trim().replace('+', '-').replace('/', '_').replace("=", ""));
        } catch (IllegalArgumentException e) {
            throw invalid(field + " is not base64url");
        }
    }

    private static ProblemException invalid(String detail) {
        return ProblemException.badRequest("INVALID_DEVICE", detail);
    }

    private static DeviceView view(DeviceStore.Device d) {
        return new DeviceView(d.id(), DeviceType.valueOf(d.type()), d.endpoint(), d.createdAt());
    }
}

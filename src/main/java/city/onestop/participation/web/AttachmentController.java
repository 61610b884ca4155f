package city.onestop.participation.web;

import city.onestop.participation.cases.Attachments;
import city.onestop.participation.cases.Cases;
import city.onestop.platform.CurrentUser;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.util.unit.DataSize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** Photos on a case: the body is the image itself; its type is judged from its bytes. */
@RestController
@Tag(name = "Participation", description = "Complaints, suggestions, enquiries and praise (12345) and their handling")
class AttachmentController {

    private final Attachments attachments;
    private final Cases cases;
    private final int maxBytes;

    AttachmentController(Attachments attachments, Cases cases,
            @Value("${onestop.participation.max-attachment-size:2MB}") DataSize maxSize) {
        this.attachments = attachments;
        this.cases = cases;
        this.maxBytes = (int) Math.min(Integer.MAX_VALUE - 8, maxSize.toBytes());
    }

    @PostMapping(path = "/api/v1/cases/{id}/attachments", consumes = {"image/jpeg", "image/png", "image/webp",
            MediaType.APPLICATION_OCTET_STREAM_VALUE}, produces = MediaType.APPLICATION_JSON_VALUE)
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(operationId = "addCaseAttachment",
            summary = "Attach a photo (JPEG, PNG or WebP, at most 2 MB, at most 5 per case) to my case while it is handled")
    Mono<Attachments.Attachment> add(@PathVariable UUID id, ServerHttpRequest request) {
        // join(.., maxBytes) fails with DataBufferLimitException past the limit: a 413 PAYLOAD_TOO_LARGE, nothing stored.
        Mono<byte[]> body = DataBufferUtils.join(request.getBody(), maxBytes)
                .map(buffer -> {
                    byte[] bytes = new byte[buffer.readableByteCount()];
                    buffer.read(bytes);
                    DataBufferUtils.release(buffer);
                    return bytes;
                })
                .defaultIfEmpty(new byte[0]);
        return WebErrors.mapped(CurrentUser.get().flatMap(user -> body.flatMap(bytes -> attachments.add(user.id(), id, bytes))));
    }

    @GetMapping(path = "/api/v1/cases/{id}/attachments/{attachmentId}", produces = {"image/jpeg", "image/png", "image/webp"})
    @Operation(operationId = "getCaseAttachment", summary = "A photo of a case, to its submitter and its department's staff")
    Mono<ResponseEntity<byte[]>> get(@PathVariable UUID id, @PathVariable UUID attachmentId) {
        return WebErrors.mapped(CurrentUser.get().flatMap(user -> cases.actor(user.id()))
                .flatMap(actor -> attachments.get(actor, id, attachmentId))
                .map(c -> ResponseEntity.ok().contentType(MediaType.parseMediaType(c.mediaType()))
                        .header("X-Content-Type-Options", "nosniff").body(c.bytes())));
    }
}

package city.onestop.participation;

import static city.onestop.participation.ParticipationFixture.map;
import static city.onestop.participation.ParticipationFixture.problem;
import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.IntegrationTest;
import city.onestop.platform.AccessTokens;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Photos on a case: judged by their bytes, bounded in size and number, kept in PostgreSQL, shown to who may see the case. */
@IntegrationTest
class AttachmentsIT {

    // The first bytes of each format, from their specifications (PNG signature, JPEG SOI + APP0, RIFF....WEBP).
    static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 'I', 'H', 'D', 'R'};
    static final byte[] JPEG = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 0x10, 'J', 'F', 'I', 'F', 0};

    @Autowired WebTestClient web;
    @Autowired AccessTokens tokens;
    @Autowired DatabaseClient db;

    WebTestClient.ResponseSpec upload(ParticipationFixture.Person who, Object caseId, String type, byte[] bytes) {
        return web.post().uri("/api/v1/cases/{id}/attachments", caseId).headers(h -> h.setBearerAuth(who.token()))
                .contentType(MediaType.parseMediaType(type)).bodyValue(bytes).exchange();
    }

    @Test
    void storesPhotosByTheirRealTypeAndShowsThemToTheSubmitterAndHandlers() {
        var fx = new ParticipationFixture(web, tokens, db);
        var citizen = fx.citizen();
        var handler = fx.staff("TRANSIT");
        Object id = fx.submitOk(citizen, ParticipationFixture.stopComplaint()).get("id");

        Map<String, Object> png = map(upload(citizen, id, "image/png", PNG).expectStatus().isCreated());
        assertThat(png.get("mediaType")).isEqualTo("image/png");
        assertThat(png.get("sizeBytes")).isEqualTo(PNG.length);
        // Declared as PNG, but the bytes are a JPEG: stored as what it is.
        assertThat(map(upload(citizen, id, "image/png", JPEG).expectStatus().isCreated()).get("mediaType")).isEqualTo("image/jpeg");
        problem(upload(citizen, id, "image/png", "<svg onload=alert(1)>".getBytes()), HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                "ATTACHMENT_TYPE_NOT_ALLOWED");
        byte[] big = Arrays.copyOf(JPEG, 2 * 1024 * 1024 + 1);
        problem(upload(citizen, id, "image/jpeg", big), HttpStatus.CONTENT_TOO_LARGE, "PAYLOAD_TOO_LARGE");
        problem(upload(fx.citizen(), id, "image/png", PNG), HttpStatus.NOT_FOUND, "CASE_NOT_FOUND");
        for (int i = 0; i < 3; i++) upload(citizen, id, "image/png", PNG).expectStatus().isCreated();
        problem(upload(citizen, id, "image/png", PNG), HttpStatus.CONFLICT, "TOO_MANY_ATTACHMENTS");
        assertThat(fx.count("SELECT count(*) FROM participation_attachments WHERE case_id = :p0", java.util.UUID.fromString((String) id)))
                .isEqualTo(5);

        byte[] read = web.get().uri("/api/v1/cases/{id}/attachments/{a}", id, png.get("id")).headers(h -> h.setBearerAuth(handler.token()))
                .exchange().expectStatus().isOk().expectHeader().contentType(MediaType.IMAGE_PNG)
                .expectBody(byte[].class).returnResult().getResponseBody();
        assertThat(read).isEqualTo(PNG);
        problem(web.get().uri("/api/v1/cases/{id}/attachments/{a}", id, png.get("id")).headers(h -> h.setBearerAuth(fx.citizen().token()))
                .exchange(), HttpStatus.NOT_FOUND, "CASE_NOT_FOUND");
        assertThat(ParticipationFixture.timelineKinds(fx.get(citizen, id))).filteredOn("ATTACHMENT_ADDED"::equals).hasSize(5);

        Object other = fx.submitOk(citizen, ParticipationFixture.stopComplaint()).get("id");
        problem(upload(citizen, other, "image/png", new byte[0]), HttpStatus.BAD_REQUEST, "ATTACHMENT_EMPTY");
        fx.staffOk(handler, other, "accept", null);
        fx.staffOk(handler, other, "reply", Map.of("text", "ok"));
        problem(upload(citizen, other, "image/png", PNG), HttpStatus.CONFLICT, "CASE_STATE_CONFLICT");
    }
}

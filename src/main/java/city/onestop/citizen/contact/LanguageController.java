package city.onestop.citizen.contact;

import city.onestop.platform.CurrentUser;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.NotNull;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

@RestController
@Tag(name = "Me", description = "The signed-in citizen")
class LanguageController {

    private final Languages languages;

    LanguageController(Languages languages) {
        this.languages = languages;
    }

    record Language(@NotNull String language) {}

    @GetMapping(path = "/api/v1/me/language", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(operationId = "getMyLanguage", summary = "My language for notifications: zh-CN (default) or en")
    Mono<Language> get() {
        return CurrentUser.get().flatMap(u -> languages.getLanguage(u.id())).map(Language::new);
    }

    @PutMapping(path = "/api/v1/me/language", consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(operationId = "setMyLanguage", summary = "Choose my language for notifications: zh-CN or en; 400 INVALID_LANGUAGE otherwise")
    Mono<Language> set(@RequestBody Language body) {
        return CurrentUser.get().flatMap(u -> languages.setLanguage(u.id(), body.language())).map(Language::new);
    }
}

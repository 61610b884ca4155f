package city.onestop.platform.sms;

import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.IntegrationTest;
import city.onestop.platform.SmsSender;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import reactor.test.StepVerifier;

/** The application's SmsSender is the HTTP client, configured by onestop.sms.base-url to reach the fake provider. */
@IntegrationTest
class SmsSenderIT {

    @Autowired
    SmsSender sms;

    @Test
    void theApplicationSendsThroughTheConfiguredProviderOnce() {
        String key = "it-" + UUID.randomUUID();
        String phone = "+861990000" + String.format("%04d", (int) (Math.random() * 10_000));
        int before = SmsFake.get().messagesTo(phone).size();
        StepVerifier.create(sms.send(phone, "OneStop 验证码 424242", key).then(sms.send(phone, "OneStop 验证码 424242", key)))
                .assertNext(r -> assertThat(r.providerMessageId()).startsWith("fake-"))
                .expectComplete().verify(Duration.ofSeconds(60));
        assertThat(sms).isInstanceOf(HttpSmsSender.class);
        assertThat(SmsFake.get().messagesTo(phone)).hasSize(before + 1);
        assertThat(SmsFake.get().lastCode(phone)).contains("424242");
        StepVerifier.create(sms.send(phone, "x", "k")).expectNextCount(1).expectComplete().verify(Duration.ofSeconds(60));
    }
}

package city.onestop.platform.sms;

import city.onestop.platform.SmsReceipt;
import city.onestop.platform.SmsRejected;
import city.onestop.platform.SmsSender;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * The demo's SMS provider ({@code onestop.sms.simulated=true}, on in the {@code local} profile): nothing leaves the
 * machine; the text, with its code, is written to the log so the demo's flows can be followed. Like the real
 * provider it delivers an idempotency key once (a repeated key answers the first receipt and logs nothing).
 */
public class SimulatedSmsSender implements SmsSender {

    private static final Logger log = LoggerFactory.getLogger(SimulatedSmsSender.class);
    private static final int REMEMBERED_KEYS = 10_000;

    private final Clock clock;
    private final Map<String, SmsReceipt> sent = new ConcurrentHashMap<>();

    public SimulatedSmsSender(Clock clock) {
        this.clock = clock;
        log.warn("Simulated SMS: text messages are written to this log, not sent (onestop.sms.simulated=true)");
    }

    @Override
    public Mono<SmsReceipt> send(String phoneE164, String text, String idempotencyKey) {
        if (phoneE164 == null || !HttpSmsSender.E164.matcher(phoneE164).matches()) {
            return Mono.error(new SmsRejected("Not an E.164 phone number", 0));
        }
        return Mono.fromSupplier(() -> {
            if (sent.size() > REMEMBERED_KEYS) {
                sent.clear();
            }
            return sent.computeIfAbsent(idempotencyKey, k -> {
                SmsReceipt receipt = new SmsReceipt("sim-" + UUID.randomUUID(), clock.instant());
                log.info("[simulated SMS to {}] {}", phoneE164, text);
                return receipt;
            });
        });
    }
}

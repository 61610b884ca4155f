package city.onestop.citizen.identity;

import city.onestop.platform.Role;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * Creates the configured admin on first start and, in the local profile only, the demo citizen. It runs once
 * the application is ready, asynchronously (no blocking in application code): the accounts exist a moment
 * after start-up, which is logged. Existing accounts are never overwritten, only given missing roles.
 */
@Component
class AccountSeeding {

    private static final Logger log = LoggerFactory.getLogger(AccountSeeding.class);

    static final String DEMO_PHONE = "13800138000";
    static final String DEMO_PASSWORD = "OneStop-Demo-1";
    static final String DEMO_NAME = "张三";
    /** The example number printed in GB 11643-1999 itself: valid, and nobody's real identity. */
    static final String DEMO_ID_NUMBER = "11010519491231002X";
    /**
     * Demo staff accounts (plain citizens here; the modules that employ them, such as participation's departments,
     * recognise them by phone when they are registered). Local profile only.
     */
    static final String DEMO_STAFF_PASSWORD = "OneStop-Staff-1";

    record DemoStaff(String phone, String realName) {}

    static final java.util.List<DemoStaff> DEMO_STAFF = java.util.List.of(
            new DemoStaff("13800138001", "李四"), new DemoStaff("13800138002", "王芳"));

    private final Registrations accounts;
    private final CitizenProperties properties;
    private final Environment environment;
    private final Path dataDir;
    private volatile Disposable running;

    AccountSeeding(Registrations accounts, CitizenProperties properties, Environment environment,
            @Value("${onestop.data-dir:./data}") String dataDir) {
        this.accounts = accounts;
        this.properties = properties;
        this.environment = environment;
        this.dataDir = Path.of(dataDir);
    }

    @EventListener(ApplicationReadyEvent.class)
    void seed() {
        boolean local = environment.acceptsProfiles(Profiles.of("local"));
        Mono<Void> admin = adminSeed(local);
        Mono<Void> demo = local && properties.demo().enabled()
                ? accounts.ensureAccount(DEMO_PHONE, DEMO_PASSWORD, DEMO_NAME, DEMO_ID_NUMBER, Set.of(Role.CITIZEN))
                        .doOnNext(created -> log.info("Demo citizen{}: phone {} password {}",
                                created ? " created" : "", DEMO_PHONE, DEMO_PASSWORD))
                        .then()
                : Mono.empty();
        Mono<Void> staff = local && properties.demo().enabled()
                ? reactor.core.publisher.Flux.fromIterable(DEMO_STAFF)
                        .concatMap(s -> accounts.ensureAccount(s.phone(), DEMO_STAFF_PASSWORD, s.realName(), null, Set.of(Role.CITIZEN))
                                .doOnNext(created -> log.info("Demo staff {}{}: phone {} password {}", s.realName(),
                                        created ? " created" : "", s.phone(), DEMO_STAFF_PASSWORD)))
                        .then()
                : Mono.empty();
        running = admin.then(demo).then(staff)
                .subscribe(null, e -> log.error("Seeding the admin or demo accounts failed", e));
    }

    /** The admin of the configuration; in the local profile a missing password is generated and kept in the data folder. */
    private Mono<Void> adminSeed(boolean local) {
        CitizenProperties.Admin admin = properties.admin();
        if (admin.phone() == null || admin.phone().isBlank()) {
            return Mono.empty();
        }
        String password = admin.password();
        boolean generated = false;
        if (password == null || password.isBlank()) {
            if (!local) {
                log.warn("onestop.citizen.admin.phone is set but no password: no admin account was created");
                return Mono.empty();
            }
            // File I/O here runs on the thread publishing ApplicationReadyEvent (main), before anything reactive.
            password = IdentityKeys.keptSecret(dataDir.resolve("admin-password"), AccountSeeding::generatePassword,
                    "the local admin password");
            generated = true;
        }
        String phone = admin.phone().trim();
        String shown = generated ? password : "(as configured)";
        return accounts.ensureAccount(phone, password, admin.realName(), null, Set.of(Role.CITIZEN, Role.ADMIN))
                .doOnNext(created -> log.info("Admin account{}: phone {} password {}", created ? " created" : "", phone, shown))
                .then();
    }

    static String generatePassword() {
        char[] alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789".toCharArray();
        SecureRandom random = new SecureRandom();
        char[] out = new char[20];
        for (int i = 0; i < out.length; i++) {
            out[i] = alphabet[random.nextInt(alphabet.length)];
        }
        String value = new String(out);
        Arrays.fill(out, ' ');
        return value;
    }

    @jakarta.annotation.PreDestroy
    void stop() {
        Disposable d = running;
        if (d != null) {
            d.dispose();
        }
    }
}

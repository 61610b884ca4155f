package city.onestop.platform.security;

import java.net.InetSocketAddress;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Matches requests that arrived on the management port ({@code management.server.port}), where Actuator lives when
 * it has a port of its own. That port is the boundary (loopback in {@code local}, a private network in production):
 * what Actuator exposes there is readable without a token, and nothing of it is served on the API port. When
 * Actuator shares the API port (no management port set) this matches nothing and the public paths decide.
 */
@Component
class ManagementPort implements ServerWebExchangeMatcher, ApplicationListener<WebServerInitializedEvent> {

    static final String NAMESPACE = "management";

    private volatile int port = -1;

    @Override
    public void onApplicationEvent(WebServerInitializedEvent event) {
        if (NAMESPACE.equals(event.getApplicationContext().getServerNamespace())) {
            port = event.getWebServer().getPort();
        }
    }

    boolean isSeparate() {
        return port > 0;
    }

    @Override
    public Mono<MatchResult> matches(ServerWebExchange exchange) {
        InetSocketAddress local = exchange.getRequest().getLocalAddress();
        return port > 0 && local != null && local.getPort() == port ? MatchResult.match() : MatchResult.notMatch();
    }
}

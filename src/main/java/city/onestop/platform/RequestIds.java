package city.onestop.platform;

import org.springframework.web.server.ServerWebExchange;

/** The request id of an exchange: taken from {@code X-Request-Id} when the client sent a sane one, otherwise generated. */
public final class RequestIds {

    public static final String HEADER = "X-Request-Id";
    public static final String ATTRIBUTE = RequestIds.class.getName() + ".id";
    public static final String CONTEXT_KEY = "requestId";
    public static final String CLIENT_IP_KEY = "clientIp";

    private RequestIds() {}

    public static String of(ServerWebExchange exchange) {
        Object id = exchange.getAttribute(ATTRIBUTE);
        return id == null ? exchange.getRequest().getId() : id.toString();
    }
}

package city.onestop.platform.database;

import io.r2dbc.postgresql.PostgresqlConnectionFactoryProvider;
import java.time.Duration;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.r2dbc.autoconfigure.ConnectionFactoryOptionsBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Every PostgreSQL connection of the R2DBC pool starts with a statement timeout and an idle-in-transaction
 * timeout (sent as session parameters when it connects), so no statement runs unbounded and no transaction left
 * open by a vanished caller holds its locks and its connection for longer than the bound: the server ends it.
 */
@Configuration(proxyBeanMethods = false)
class SessionTimeouts {

    @Bean
    ConnectionFactoryOptionsBuilderCustomizer postgresSessionTimeouts(
            @Value("${onestop.db.statement-timeout:60s}") Duration statementTimeout,
            @Value("${onestop.db.idle-in-transaction-timeout:60s}") Duration idleInTransactionTimeout) {
        Map<String, String> options = Map.of(
                "statement_timeout", Long.toString(statementTimeout.toMillis()),
                "idle_in_transaction_session_timeout", Long.toString(idleInTransactionTimeout.toMillis()));
        return builder -> builder.option(PostgresqlConnectionFactoryProvider.OPTIONS, options);
    }
}

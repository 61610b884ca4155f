/** The transactional outbox: events written with the action's transaction, relayed to consumers at least once. */
@org.jspecify.annotations.NullMarked
package city.onestop.platform.outbox;

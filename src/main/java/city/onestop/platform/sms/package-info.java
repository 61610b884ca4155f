/** The SMS provider client behind {@link city.onestop.platform.SmsSender}: HTTP with timeouts and a breaker, or simulated. */
@org.jspecify.annotations.NullMarked
package city.onestop.platform.sms;

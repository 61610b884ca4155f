/** Utility billing: linked water and electricity accounts, bills from tiered tariffs, payments that never charge twice. */
@NullMarked
package city.onestop.billing;

import org.jspecify.annotations.NullMarked;

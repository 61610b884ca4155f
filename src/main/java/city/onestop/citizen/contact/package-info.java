/** The citizen's contact details for delivery: phone number and chosen language. */
@org.jspecify.annotations.NullMarked
package city.onestop.citizen.contact;

/** Message bundles: zh-CN texts by default, English on request; localized problem titles and details. */
@org.jspecify.annotations.NullMarked
package city.onestop.platform.i18n;

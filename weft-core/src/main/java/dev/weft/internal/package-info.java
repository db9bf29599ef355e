/**
 * Weft's internals shared between its own modules: not API, exported only to
 * {@code dev.weft.http} and {@code dev.weft.test}, and free to change in any release.
 */
package dev.weft.internal;

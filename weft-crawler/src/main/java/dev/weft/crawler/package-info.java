/**
 * Weft's crawler: a polite, resumable, high-concurrency web crawler built on Weft's loop and
 * HTTP client. The folders name the parts: {@code frontier}, {@code politeness}, {@code fetch},
 * {@code parse}, {@code store}, {@code engine}, {@code cli}, {@code demo}.
 */
package dev.weft.crawler;

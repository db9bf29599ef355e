/**
 * A crawl's live progress: {@link dev.weft.crawler.progress.ProgressDisplay} redraws one line
 * on a terminal (pages done / known, pages/s, ETA, errors, in flight, queue) or prints plain
 * periodic lines otherwise; {@link dev.weft.crawler.progress.ProgressLine} formats them.
 */
package dev.weft.crawler.progress;

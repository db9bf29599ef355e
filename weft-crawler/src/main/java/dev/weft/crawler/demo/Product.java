package dev.weft.crawler.demo;

import java.time.LocalDate;

/**
 * One product of the demo {@link Shop}, as its detail page shows it.
 *
 * @param id the product id, from 1
 * @param name the title (unique: it ends with the id)
 * @param category the category index
 * @param listPage the page of its category that lists it, from 1
 * @param priceCents the price in cents
 * @param ratingTenths the rating in tenths, 10 to 50 (1.0 to 5.0)
 * @param imageUrl the absolute URL of its picture (on a host that is never fetched)
 * @param releaseDate the release date shown on {@code /coming-soon.html}
 */
public record Product(int id, String name, int category, int listPage, long priceCents, int ratingTenths,
                      String imageUrl, LocalDate releaseDate) {

    /** {@return the price as the page shows it, e.g. {@code 123.45}} */
    public String price() {
        return priceCents / 100 + "." + String.format("%02d", priceCents % 100);
    }

    /** {@return the rating as the page shows it, e.g. {@code 4.2}} */
    public String rating() {
        return ratingTenths / 10 + "." + ratingTenths % 10;
    }
}

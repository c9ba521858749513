package io.webhookinbox.api;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;

/**
 * A page position for listings newest first: the (time, id) of the last row returned, opaque to callers. Pages
 * never skip or repeat rows, whatever arrives meanwhile.
 */
public record KeysetCursor(OffsetDateTime at, long id) {

  public String encode() {
    Instant instant = at.toInstant();
    long micros = instant.getEpochSecond() * 1_000_000 + instant.getNano() / 1_000;
    return Base64.getUrlEncoder().withoutPadding()
      .encodeToString((micros + ":" + id).getBytes(StandardCharsets.US_ASCII));
  }

  /** Throws {@link IllegalArgumentException} for anything that is not a cursor this service issued. */
  public static KeysetCursor decode(String cursor) {
    String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII).split(":");
    if (parts.length != 2) {
      throw new IllegalArgumentException("not a cursor");
    }
    long micros = Long.parseLong(parts[0]);
    Instant instant = Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000), Math.floorMod(micros, 1_000_000) * 1_000L);
    return new KeysetCursor(OffsetDateTime.ofInstant(instant, ZoneOffset.UTC), Long.parseLong(parts[1]));
  }
}

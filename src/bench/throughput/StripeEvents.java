import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signed Stripe deliveries for src/bench/throughput.sh, made ahead of a closed loop because wrk's Lua has no HMAC:
 * one file per wrk thread (FILE.1 .. FILE.THREADS), one line per delivery: the Stripe-Signature header, a tab, the
 * body. Every event id is unique (evt_RUN_thread_n, ids take letters, digits and _); UPDATES percent are payment_intent.succeeded for one of the 100,000
 * existing payments (pi_existing_0..99999, service-payments.sql), created now so they apply; the rest are
 * payment_intent.payment_failed of a new payment each. Signed at t = now: a file is good for the 300 s tolerance.
 * Usage: java StripeEvents.java SECRET RUN UPDATES PER_THREAD THREADS FILE
 */
public class StripeEvents {
  private static final String BODY = "{\"id\":\"evt_%s\",\"object\":\"event\",\"api_version\":\"2024-06-20\","
    + "\"created\":%d,\"livemode\":false,\"pending_webhooks\":1,\"type\":\"%s\",\"data\":{\"object\":"
    + "{\"id\":\"%s\",\"object\":\"payment_intent\",\"amount\":12500,\"currency\":\"gbp\",\"status\":\"%s\","
    + "\"receipt_email\":\"evangelina.quarterfield@example.org\",\"metadata\":{\"orderRef\":\"ORD-77\"}}}}";

  public static void main(String[] args) throws Exception {
    byte[] secret = args[0].getBytes(StandardCharsets.UTF_8);
    String run = args[1];
    int updates = Integer.parseInt(args[2]);
    int perThread = Integer.parseInt(args[3]);
    int threads = Integer.parseInt(args[4]);
    long now = System.currentTimeMillis() / 1000;
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret, "HmacSHA256"));
    HexFormat hex = HexFormat.of();
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int t = 1; t <= threads; t++) {
      try (BufferedWriter out = Files.newBufferedWriter(Path.of(args[5] + "." + t))) {
        for (int n = 1; n <= perThread; n++) {
          String id = (run + "_" + t + "_" + n).replace('-', '_');
          boolean update = random.nextInt(100) < updates;
          String body = update
            ? BODY.formatted(id, now, "payment_intent.succeeded", "pi_existing_" + random.nextInt(100_000), "succeeded")
            : BODY.formatted(id, now, "payment_intent.payment_failed", "pi_" + id, "requires_payment_method");
          mac.update((now + ".").getBytes(StandardCharsets.US_ASCII));
          String signature = hex.formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
          out.write("t=" + now + ",v1=" + signature + "\t" + body + "\n");
        }
      }
    }
  }
}

package io.webhookinbox.console;

/** The few pages rendered on the server (sign-in, messages): static text and escaped values, no script. */
final class Pages {
  private Pages() {
  }

  static String localSignIn(String csrf, String next, String problem) {
    return page("Sign in", """
      <h1>Sign in (development)</h1>
      <p>No identity provider is configured. On a developer machine, sign in with a name of your choice and the
      development secret from <code>.data/dev-jwt-secret</code>.</p>
      %s
      <form method="post" action="/console/sign-in/local" class="sign-in">
        <input type="hidden" name="csrf" value="%s">
        <input type="hidden" name="next" value="%s">
        <label for="name">Name</label>
        <input id="name" name="name" autocomplete="username" required>
        <label for="secret">Development secret</label>
        <input id="secret" name="secret" type="password" autocomplete="current-password" required>
        <fieldset><legend>Scopes</legend>
          <label><input type="checkbox" name="scope" value="webhooks:read" checked> webhooks:read</label>
          <label><input type="checkbox" name="scope" value="webhooks:admin" checked> webhooks:admin</label>
          <label><input type="checkbox" name="scope" value="webhooks:pii"> webhooks:pii</label>
        </fieldset>
        <button type="submit">Sign in</button>
      </form>""".formatted(problem == null ? "" : "<p class=\"error\" role=\"alert\">" + escape(problem) + "</p>",
      escape(csrf), escape(next)));
  }

  static String signedOut() {
    return page("Signed out", "<h1>Signed out</h1><p><a href=\"/console/\">Sign in again</a></p>");
  }

  static String message(String title, String text) {
    return page(title, "<h1>" + escape(title) + "</h1><p>" + escape(text) + "</p><p><a href=\"/console/\">"
      + "Webhook Inbox console</a></p>");
  }

  private static String page(String title, String body) {
    return """
      <!doctype html>
      <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
      <title>%s · Webhook Inbox</title><link rel="icon" href="data:,"><link rel="stylesheet" href="/console/assets/console.css">
      </head><body><main id="main" class="narrow">%s</main></body></html>""".formatted(escape(title), body);
  }

  static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
      .replace("'", "&#39;");
  }
}

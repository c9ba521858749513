package io.webhookinbox.support;

/**
 * The test realm for {@link KeycloakServer}: realm {@code webhook-inbox}, one confidential client
 * (authorization code flow only, PKCE S256 required, loopback redirect URIs on any port), three
 * client roles that stand for the scopes, a mapper that puts them into a top-level {@code roles}
 * JSON array claim (access token, ID token, userinfo), an audience mapper (so the access token's
 * {@code aud} holds the client id, which vertx-auth-oauth2 requires to decode it), and users
 * alice / bob / carol.
 */
public final class KeycloakRealm {

  // Redirect URIs: Keycloak 26 rejects "http://127.0.0.1:*/*" (no port wildcard), but for loopback
  // hosts a registered URI without a port matches any port (RFC 8252 7.3): "http://127.0.0.1/*".

  private KeycloakRealm() {
  }

  public static String json(String clientId, String secret, String rolesClaim) {
    return """
        {
          "realm": "webhook-inbox",
          "enabled": true,
          "sslRequired": "none",
          "registrationAllowed": false,
          "roles": {
            "client": {
              "%1$s": [
                { "name": "webhooks:read",  "description": "read webhooks" },
                { "name": "webhooks:admin", "description": "replay, delete, configure" },
                { "name": "webhooks:pii",   "description": "see unredacted payloads" }
              ]
            }
          },
          "clients": [
            {
              "clientId": "%1$s",
              "name": "Webhook Inbox console",
              "enabled": true,
              "protocol": "openid-connect",
              "publicClient": false,
              "clientAuthenticatorType": "client-secret",
              "secret": "%2$s",
              "standardFlowEnabled": true,
              "implicitFlowEnabled": false,
              "directAccessGrantsEnabled": false,
              "serviceAccountsEnabled": false,
              "frontchannelLogout": true,
              "redirectUris": ["http://127.0.0.1/*", "http://localhost/*"],
              "webOrigins": ["+"],
              "attributes": {
                "pkce.code.challenge.method": "S256",
                "post.logout.redirect.uris": "+"
              },
              "protocolMappers": [
                {
                  "name": "console roles",
                  "protocol": "openid-connect",
                  "protocolMapper": "oidc-usermodel-client-role-mapper",
                  "config": {
                    "usermodel.clientRoleMapping.clientId": "%1$s",
                    "claim.name": "%3$s",
                    "jsonType.label": "String",
                    "multivalued": "true",
                    "access.token.claim": "true",
                    "id.token.claim": "true",
                    "userinfo.token.claim": "true",
                    "introspection.token.claim": "true"
                  }
                },
                {
                  "name": "console audience",
                  "protocol": "openid-connect",
                  "protocolMapper": "oidc-audience-mapper",
                  "config": {
                    "included.client.audience": "%1$s",
                    "access.token.claim": "true",
                    "id.token.claim": "false",
                    "introspection.token.claim": "true"
                  }
                }
              ]
            }
          ],
          "users": [
            %4$s,
            %5$s,
            %6$s
          ]
        }
        """.formatted(clientId, secret, rolesClaim,
        user(clientId, "alice", "Alice", "webhooks:read", "webhooks:admin", "webhooks:pii"),
        user(clientId, "bob", "Bob", "webhooks:read", "webhooks:admin"),
        user(clientId, "carol", "Carol", "webhooks:read"));
  }

  private static String user(String clientId, String username, String firstName, String... roles) {
    // email, first and last name are set so Keycloak does not ask to complete the profile at login
    return """
        {
              "username": "%s", "enabled": true, "emailVerified": true,
              "email": "%s@example.test", "firstName": "%s", "lastName": "Test",
              "credentials": [ { "type": "password", "value": "%s", "temporary": false } ],
              "clientRoles": { "%s": [ %s ] }
            }"""
        .formatted(username, username, firstName, username, clientId,
            "\"" + String.join("\", \"", roles) + "\"");
  }
}

// A real OpenID provider for tests and `upward dev`: the certified npm
// package oidc-provider, configured from the environment by oidc.go.
//
//   OIDC_PORT      port to listen on (127.0.0.1)
//   OIDC_CLIENTS   JSON array of {client_id, client_secret, redirect_uris}
//   OIDC_ACCOUNTS  JSON object: login -> {email_verified, groups, name};
//                  a login not listed is a verified address with no groups
//   OIDC_ID_TOKEN_TTL  seconds an ID token lives (default 3600)
//
// Anyone can sign in with any password on its login page: it stands in
// for an organisation's identity provider, never for a real one.
import Provider from 'oidc-provider';

const port = Number(process.env.OIDC_PORT);
const issuer = `http://127.0.0.1:${port}`;
const clients = JSON.parse(process.env.OIDC_CLIENTS || '[]');
const accounts = JSON.parse(process.env.OIDC_ACCOUNTS || '{}');

const provider = new Provider(issuer, {
  clients: clients.map((c) => ({ ...c, grant_types: ['authorization_code'], response_types: ['code'] })),
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
  scopes: ['openid', 'email', 'profile', 'groups'],
  pkce: { required: () => true },
  ttl: { IdToken: Number(process.env.OIDC_ID_TOKEN_TTL) > 0 ? Number(process.env.OIDC_ID_TOKEN_TTL) : 3600 },
  features: { devInteractions: { enabled: true } },
  async findAccount(ctx, id) {
    const a = accounts[id] || {};
    return {
      accountId: id,
      async claims() {
        return {
          sub: id,
          email: id,
          email_verified: a.email_verified !== false,
          name: a.name || id,
          groups: a.groups || [],
        };
      },
    };
  },
});
// Unfinished interactions and used codes are logged, not fatal.
provider.on('server_error', (ctx, err) => console.error('server_error', err));
provider.listen(port, '127.0.0.1', () => console.log(`oidc-provider listening on ${issuer}`));

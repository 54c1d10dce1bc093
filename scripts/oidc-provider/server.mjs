// A real OpenID provider for the OpenID Connect sign-in test (crates/server/tests/api/oidc.rs):
// the npm package oidc-provider, with one confidential client (client_secret_basic), PKCE
// required (S256), and the package's development interactions: a login form that takes any
// name as the subject, then a consent form, both plain HTML forms a test fills in over HTTP
// (GET /interaction/<uid>/abort declines). Keys, sessions and codes live in memory.
//
//   PORT=… REDIRECT_URI=… CLIENT_ID=… CLIENT_SECRET=… node server.mjs
//
// Listens on 127.0.0.1:$PORT; the issuer is http://127.0.0.1:$PORT. Test only: never a
// provider for real people.
import Provider from 'oidc-provider';

const { PORT, REDIRECT_URI, CLIENT_ID, CLIENT_SECRET } = process.env;
for (const [name, value] of Object.entries({ PORT, REDIRECT_URI, CLIENT_ID, CLIENT_SECRET })) {
  if (!value) {
    console.error(`${name} is required`);
    process.exit(2);
  }
}

const issuer = `http://127.0.0.1:${PORT}`;
const provider = new Provider(issuer, {
  clients: [{
    client_id: CLIENT_ID,
    client_secret: CLIENT_SECRET,
    redirect_uris: [REDIRECT_URI],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true } },
  // Whatever name the login form is given is the account: its subject, and no other claim.
  findAccount: async (ctx, id) => ({ accountId: id, claims: async () => ({ sub: id }) }),
  cookies: { keys: ['oneseal-test-provider-cookies'] },
});

provider.listen(Number(PORT), '127.0.0.1', () => {
  console.log(`oidc-provider listening on ${issuer}`);
});

// The console's way to the API: openapi-fetch over the generated types (core.ts), with the signed-in
// person's token on every call, so a call that the contract does not allow fails the type check.
import createClient, { type Middleware } from "openapi-fetch";

import { currentToken, expireSession } from "../console/session";
import { type paths, timedFetch } from "./core";

export * from "./core";

const auth: Middleware = {
  onRequest({ request }) {
    const token = currentToken();
    if (token) request.headers.set("Authorization", `Bearer ${token}`);
    return request;
  },
  onResponse({ response }) {
    // An expired or revoked token: back to sign-in (the session says why).
    if (response.status === 401) expireSession();
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: "", fetch: timedFetch });
api.use(auth);

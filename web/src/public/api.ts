// The public app's way to the API: the generated client (../api/core.ts) with no account and no
// token — nothing of the public side needs one.
import createClient from "openapi-fetch";

import { type paths, timedFetch } from "../api/core";

export * from "../api/core";

export const api = createClient<paths>({ baseUrl: "", fetch: timedFetch });

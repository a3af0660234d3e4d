// Fails when src/api/schema.d.ts is not what `npm run generate` makes of docs/openapi.json now:
// the console's types may not drift from the contract. Fix: `npm run generate` (or `make openapi`).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const web = fileURLToPath(new URL("..", import.meta.url));
const committed = join(web, "src/api/schema.d.ts");
const scratch = mkdtempSync(join(tmpdir(), "haven-web-"));
try {
  const fresh = join(scratch, "schema.d.ts");
  const generate = JSON.parse(readFileSync(join(web, "package.json"), "utf8")).scripts.generate;
  const args = generate.split(/\s+/).slice(1);
  args[args.indexOf("-o") + 1] = fresh;
  execFileSync(join(web, "node_modules/.bin/openapi-typescript"), args, { cwd: web, stdio: "pipe" });
  if (readFileSync(fresh, "utf8") !== readFileSync(committed, "utf8")) {
    console.error(
      "web/src/api/schema.d.ts is out of date with docs/openapi.json: run `make openapi` (or `npm run generate` in web/) and commit it.",
    );
    process.exit(1);
  }
  console.log("web/src/api/schema.d.ts matches docs/openapi.json");
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
